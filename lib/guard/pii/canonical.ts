import type { EntityType } from "../types";

/**
 * The form two writings of one value share, so they get one placeholder: "A@B.com" and
 * "a@b.com"; "4111 1111 1111 1111" and "4111-1111-1111-1111"; "DE89.3704…" and "de89 3704…";
 * "+44 (0)20 7946 0958" and "0044 20 7946 0958". Used as a map key only, never shown.
 */
export function canonicalValue({ type, value }: { type: EntityType; value: string }): string {
  switch (type) {
    case "EMAIL":
    case "IP":
      return value.toLowerCase();
    case "IBAN":
      return value.replace(/[\s.-]/g, "").toUpperCase();
    case "CARD":
    case "SSN":
      return value.replace(/\D/g, "");
    case "PHONE": {
      // A trunk zero written "(0)" after the country code is dropped when dialling from abroad;
      // "00" is the written form of "+".
      const digits = value
        .replace(/\(0\)/, "")
        .replace(/(?: ?(?:x|ext\.?|extension) ?)(\d+)$/i, "x$1")
        .replace(/[^\dx]/g, "");
      return digits.startsWith("00") ? digits.slice(2) : digits;
    }
    case "SECRET":
      return value;
  }
}
