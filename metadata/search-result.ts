// The answer of the global search (GET /api/search) as the engine builds it and the app shows it:
// one type for both sides of the wire.
export interface SearchHit {
  readonly id: string;
  /** The display field's value (empty when the record has none). */
  readonly title: string;
  /** Values of the other searchable fields that contain the text (a NIP, an e-mail, a number). */
  readonly matched: Readonly<Record<string, string>>;
}

export interface SearchGroup {
  readonly entity: string;
  readonly data: readonly SearchHit[];
  /** More records of this type match than are given. */
  readonly more: boolean;
}
