import { describe, expect, it } from "vitest";
import { CONCEPT_LEXICON, type Concept } from "@/lib/guard/injection/concept-lexicon";
import { CONCEPT_NGRAM_MAX, CONCEPTS, conceptOfNgram, conceptOfStem, conceptOfWord } from "@/lib/guard/injection/concepts";
import { fnv1a } from "@/lib/guard/injection/tokenize";

// The multilingual concept lexicon: it loads (concepts.ts throws on a malformed entry), words of each
// language land on the concept they mean, and no word, stem or character run belongs to two concepts.

const UNSPACED = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/** A word's concept as the model's features find it: the whole word, else a stem that starts it;
 * in a script without spaces, the longest lexicon run starting at the word's first character. */
function conceptOf(word: string): Concept | undefined {
  const w = word.normalize("NFKC").toLowerCase();
  let id = 0;
  if (UNSPACED.test(w)) {
    for (let n = 2; n <= Math.min(CONCEPT_NGRAM_MAX, w.length); n++) id = conceptOfNgram(fnv1a(w.slice(0, n))) || id;
  } else {
    id = conceptOfWord(fnv1a(w)) || (w.length >= 5 ? conceptOfStem({ view: w, start: 0, end: w.length, hash5: fnv1a(w.slice(0, 5)) }) : 0);
  }
  return id === 0 ? undefined : CONCEPTS[id - 1];
}

// [language, word as people write it, its concept]. Inflected forms that only a stem covers are included.
const CASES: [string, string, Concept][] = [
  ["en", "Ignore", "ignore"],
  ["en", "instructions", "instructions"],
  ["en", "systems", "system"],
  ["de", "Ignoriere", "ignore"],
  ["de", "vergiss", "ignore"],
  ["de", "vorherigen", "earlier"],
  ["de", "Anweisungen", "instructions"],
  ["de", "Passwort", "secret"],
  ["de", "Systemprompt", "system"],
  ["fr", "oubliez", "ignore"],
  ["fr", "précédentes", "earlier"],
  ["fr", "consignes", "instructions"],
  ["fr", "révèle", "reveal"],
  ["fr", "désormais", "from_now"],
  ["es", "olvida", "ignore"],
  ["es", "olvídate", "ignore"],
  ["es", "anteriores", "earlier"],
  ["es", "instrucciones", "instructions"],
  ["es", "contraseña", "secret"],
  ["es", "muéstrame", "reveal"],
  ["it", "dimentica", "ignore"],
  ["it", "precedenti", "earlier"],
  ["it", "istruzioni", "instructions"],
  ["it", "rivela", "reveal"],
  ["pt", "esqueça", "ignore"],
  ["pt", "anteriores", "earlier"],
  ["pt", "instruções", "instructions"],
  ["pt", "senha", "secret"],
  ["nl", "negeer", "ignore"],
  ["nl", "vorige", "earlier"],
  ["nl", "instructies", "instructions"],
  ["nl", "wachtwoord", "secret"],
  ["pl", "zignoruj", "ignore"],
  ["pl", "poprzednie", "earlier"],
  ["pl", "instrukcje", "instructions"],
  ["pl", "hasło", "secret"],
  ["pl", "wcześniejsze", "earlier"],
  ["ru", "игнорируй", "ignore"],
  ["ru", "забудь", "ignore"],
  ["ru", "предыдущие", "earlier"],
  ["ru", "инструкции", "instructions"],
  ["ru", "пароль", "secret"],
  ["ru", "покажи", "reveal"],
  ["uk", "ігноруй", "ignore"],
  ["uk", "попередні", "earlier"],
  ["uk", "інструкції", "instructions"],
  ["uk", "таємний", "secret"],
  ["cs", "ignoruj", "ignore"],
  ["cs", "předchozí", "earlier"],
  ["cs", "pokyny", "instructions"],
  ["cs", "heslo", "secret"],
  ["ro", "ignoră", "ignore"],
  ["ro", "anterioare", "earlier"],
  ["ro", "instrucțiunile", "instructions"],
  ["ro", "parolă", "secret"],
  ["hu", "felejtsd", "ignore"],
  ["hu", "előző", "earlier"],
  ["hu", "utasításokat", "instructions"],
  ["hu", "jelszót", "secret"],
  ["sv", "ignorera", "ignore"],
  ["sv", "tidigare", "earlier"],
  ["sv", "instruktioner", "instructions"],
  ["sv", "lösenord", "secret"],
  ["tr", "unut", "ignore"],
  ["tr", "önceki", "earlier"],
  ["tr", "talimatları", "instructions"],
  ["tr", "şifreni", "secret"],
  ["el", "αγνόησε", "ignore"],
  ["el", "προηγούμενες", "earlier"],
  ["el", "οδηγίες", "instructions"],
  ["el", "μυστικό", "secret"],
  ["ar", "تجاهل", "ignore"],
  ["ar", "السابقة", "earlier"],
  ["ar", "التعليمات", "instructions"],
  ["ar", "السرية", "secret"],
  ["fa", "نادیده", "ignore"],
  ["fa", "قبلی", "earlier"],
  ["fa", "دستورالعملها", "instructions"],
  ["fa", "رمز", "secret"],
  ["he", "התעלם", "ignore"],
  ["he", "הקודמות", "earlier"],
  ["he", "ההוראות", "instructions"],
  ["he", "סיסמה", "secret"],
  ["hi", "अनदेखा", "ignore"],
  ["hi", "नज़रअंदाज़", "ignore"],
  ["hi", "पिछले", "earlier"],
  ["hi", "निर्देशों", "instructions"],
  ["hi", "bhool", "ignore"],
  ["hi", "pichle", "earlier"],
  ["hi", "batao", "say"],
  ["bn", "উপেক্ষা", "ignore"],
  ["bn", "আগের", "earlier"],
  ["bn", "নির্দেশ", "instructions"],
  ["bn", "নিয়ম", "instructions"],
  ["ur", "نظرانداز", "ignore"],
  ["ur", "پچھلی", "earlier"],
  ["ur", "ہدایات", "instructions"],
  ["ta", "புறக்கணிக்கவும்", "ignore"],
  ["ta", "முந்தைய", "earlier"],
  ["ta", "கட்டளைகள்", "instructions"],
  ["id", "abaikan", "ignore"],
  ["id", "sebelumnya", "earlier"],
  ["id", "instruksi", "instructions"],
  ["id", "rahasia", "secret"],
  ["vi", "bỏ", "ignore"],
  ["vi", "trước", "earlier"],
  ["vi", "lệnh", "instructions"],
  ["vi", "mật", "secret"],
  ["tl", "kalimutan", "ignore"],
  ["tl", "nakaraang", "earlier"],
  ["tl", "tagubilin", "instructions"],
  ["sw", "puuza", "ignore"],
  ["sw", "maagizo", "instructions"],
  ["sw", "siri", "secret"],
  ["zu", "ziba", "ignore"],
  ["zu", "imiyalelo", "instructions"],
  ["zu", "imfihlo", "secret"],
  ["sq", "injoro", "ignore"],
  ["sq", "mëparshme", "earlier"],
  ["sq", "udhëzimet", "instructions"],
  ["zh", "忽略", "ignore"],
  ["zh", "之前", "earlier"],
  ["zh", "指令", "instructions"],
  ["zh", "無視", "ignore"],
  ["zh", "規則", "instructions"],
  ["zh", "密码", "secret"],
  ["ja", "無視して", "ignore"],
  ["ja", "これまでの", "earlier"],
  ["ja", "プロンプト", "instructions"],
  ["ja", "パスワード", "secret"],
  ["ko", "무시해", "ignore"],
  ["ko", "이전", "earlier"],
  ["ko", "지시사항", "instructions"],
  ["ko", "비밀번호", "secret"],
  ["ko", "암호화", "decode"],
  ["th", "เพิกเฉย", "ignore"],
  ["th", "ก่อนหน้า", "earlier"],
  ["th", "คำสั่ง", "instructions"],
  ["th", "รหัสผ่าน", "secret"],
];

// Everyday words that a careless stem or a word shared between languages would capture.
const UNRELATED = [
  "sister",
  "casting",
  "rolled",
  "most",
  "chef",
  "richtig",
  "wieder",
  "ungefähr",
  "direkt",
  "entscheiden",
  "dimensione",
  "esquerda",
  "parola",
  "polecam",
  "właściwie",
  "правильно",
  "следующий",
  "eredmény",
  "megtanul",
  "përdor",
  "kullanmak",
  "uygulama",
  "dapat",
  "warna",
  "bolo",
  "maar",
  "tak",
  "din",
];

describe("concept lexicon", () => {
  it("loads, one concept id per lexicon key", () => {
    expect(CONCEPTS).toEqual(Object.keys(CONCEPT_LEXICON));
    expect(CONCEPTS.length).toBe(Object.keys(CONCEPT_LEXICON).length);
  });

  it.each(CASES)("%s: %s is %s", (_lang, word, concept) => {
    expect(conceptOf(word)).toBe(concept);
  });

  it("leaves everyday words of other meanings alone", () => {
    for (const word of UNRELATED) expect(conceptOf(word), word).toBeUndefined();
  });

  it("stores entries as they are matched: NFKC, lower case", () => {
    for (const list of Object.values(CONCEPT_LEXICON)) {
      for (const entry of list as readonly string[]) expect(entry, entry).toBe(entry.normalize("NFKC").toLowerCase());
    }
  });

  it("gives no word, stem or character run to two concepts", () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const [concept, list] of Object.entries(CONCEPT_LEXICON)) {
      for (const entry of list as readonly string[]) {
        const key = UNSPACED.test(entry) ? `run:${entry}` : entry.endsWith("*") ? `stem:${entry}` : `word:${entry}`;
        const first = owner.get(key);
        if (first !== undefined && first !== concept) clashes.push(`${entry} (${first}, ${concept})`);
        else owner.set(key, concept);
      }
    }
    expect(clashes).toEqual([]);
  });
});
