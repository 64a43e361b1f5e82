// Valid Polish NIPs for tests and benchmarks: distinct for distinct seeds below 10^7 / 9.

/** A valid NIP from a number (its check digit computed; a base whose check digit would be 10 moves on). */
export function validNip(seed: number): string {
  for (let base = 100_000_000 + seed * 9; ; base += 1) {
    const digits = String(base).split('').map(Number);
    const check = [6, 5, 7, 2, 3, 4, 5, 6, 7].reduce((sum, w, i) => sum + w * digits[i]!, 0) % 11;
    if (check !== 10) return `${base}${check}`;
  }
}
