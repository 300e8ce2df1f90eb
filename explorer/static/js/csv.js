// CSV export of what is shown, built and downloaded in the browser: nothing is asked of the server again.

/** A CSV text (RFC 4180, comma-separated, CRLF) of rows by the given columns `[[header, row => value], …]`. */
export function toCsv(columns, rows) {
  const lines = [columns.map(([header]) => cell(header))];
  for (const row of rows) lines.push(columns.map(([, value]) => cell(value(row))));
  return `${lines.map((line) => line.join(",")).join("\r\n")}\r\n`;
}

function cell(value) {
  if (value == null) return "";
  if (typeof value === "number") return String(value);
  let text = String(value);
  // A name starting with = + - @ would be a formula in a spreadsheet: quoted as text instead.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Offer a text as a file download. */
export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
