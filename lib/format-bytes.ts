const UNITS = ["KB", "MB", "GB"] as const;

/**
 * A size as people read it: "512 bytes", "14 KB", "1.5 MB". Steps of 1,024, as file managers on
 * most systems count, so the 2,097,152-byte default cap reads "2 MB". Pure and free of server
 * imports: the server's messages and the browser's use the same words.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 10 ("1.5 MB"), none above ("14 KB"); never "2.0".
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded.toLocaleString("en")} ${UNITS[unit]}`;
}
