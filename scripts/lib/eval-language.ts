/**
 * The language of a row that does not state it, for the evaluation's per-language table: franc
 * (n-gram statistics), limited to the languages the corpora hold, as ISO 639-1 where there is one.
 * Short texts are "unknown": franc's guesses under 20 characters are noise.
 */
const ISO1: Readonly<Record<string, string>> = {
  eng: "en",
  deu: "de",
  fra: "fr",
  spa: "es",
  ita: "it",
  por: "pt",
  nld: "nl",
  pol: "pl",
  rus: "ru",
  ukr: "uk",
  tur: "tr",
  ell: "el",
  ron: "ro",
  ces: "cs",
  swe: "sv",
  hun: "hu",
  arb: "ar",
  pes: "fa",
  heb: "he",
  hin: "hi",
  ben: "bn",
  urd: "ur",
  tam: "ta",
  tel: "te",
  ind: "id",
  vie: "vi",
  tgl: "tl",
  swh: "sw",
  zul: "zu",
  als: "sq",
  cmn: "zh",
  jpn: "ja",
  kor: "ko",
  tha: "th",
  gle: "ga",
  gla: "gd",
};

export async function languageGuesser(): Promise<(text: string) => string> {
  // franc is ESM-only; the scripts run as CommonJS under tsx, which loads it through import().
  const { franc } = await import("franc");
  const only = Object.keys(ISO1);
  return (text) => {
    if (text.trim().length < 20) return "unknown";
    const code = franc(text.slice(0, 2_000), { only, minLength: 20 });
    return code === "und" ? "unknown" : (ISO1[code] ?? code);
  };
}
