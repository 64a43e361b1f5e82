// Saving what the app made (a CSV, a BPMN diagram, a metadata package zip) as a file the browser downloads.

export function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The click starts the download asynchronously in some browsers: the URL lives a moment longer.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
