/**
 * Override and extraction phrasings in other languages. The shape is the English one: a verb of
 * forgetting, a word for "earlier" and a word for "instructions"; word stems (`anweisung*`) cover
 * the inflections. Word order differs (French and Spanish put the adjective after the noun, Turkish
 * the verb last), so each language gets the order it uses. Chinese, Japanese and Korean have no spaces
 * between words and use short bounded wildcards instead of word gaps.
 */
import { SCRIPT } from "./tokenize";
import { cross, E, gap, led, scan, words, type Pattern } from "./pattern-kit";

type Lang = { code: string; verbs: string[]; earlier: string[]; all: string[]; orders: string[]; order: "verb-earlier-noun" | "verb-noun-earlier" };

// One row per language: its verbs of forgetting, its words for "earlier" and for "instructions".
const LANGS: Lang[] = [
  {
    code: "de",
    all: ["alle", "sämtliche", "jegliche"],
    order: "verb-earlier-noun",
    verbs: ["ignorier", "vergiss", "vergesst", "vergessen", "missacht", "übergeh", "verwirf", "verwerf", "lösch", "streich", "vernachlässig", "abweichend", "überschreib"],
    earlier: ["vorherig", "vorig", "bisherig", "obig", "vorangehend", "vorangegangen", "früher", "vorstehend", "ursprünglich", "anfänglich", "gegeben", "alle", "sämtlich", "deine", "ihre", "system"],
    orders: ["anweisung", "anordnung", "befehl", "aufgabe", "auftr", "auftrag", "instruktion", "regel", "vorgabe", "information", "angabe", "richtlinie", "prompt", "eingabe", "kontext", "anleitung", "ausführung"],
  },
  {
    code: "fr",
    all: ["toutes", "tous"],
    order: "verb-noun-earlier",
    verbs: ["ignore", "ignorez", "ignorer", "oublie", "oubliez", "oublier", "néglige", "négligez", "ne tiens pas compte", "ne tenez pas compte", "fais abstraction", "faites abstraction", "abandonne", "abandonnez", "écarte", "écartez", "contourne", "contournez"],
    earlier: ["précédent", "antérieur", "ci-dessus", "d'avant", "initia", "originel", "origina", "du système", "précédemment", "plus haut"],
    orders: ["instruction", "consigne", "règle", "directive", "ordre", "indication", "tâche", "commande", "message", "prompt"],
  },
  {
    code: "es",
    all: ["todas", "todos"],
    order: "verb-noun-earlier",
    verbs: ["ignora", "ignore", "ignoren", "ignorar", "olvida", "olvide", "olviden", "olvidar", "olvídate", "olvidate", "descarta", "descarte", "omite", "omita", "haz caso omiso a", "hagan caso omiso a", "no hagas caso a", "desobedece", "pasa por alto"],
    earlier: ["anterior", "previa", "previo", "de arriba", "inicial", "del sistema", "original", "dadas", "recibidas"],
    orders: ["instruccion", "instrucción", "indicacion", "indicación", "regla", "orden", "órden", "directri", "directiva", "tarea", "mensaje", "prompt"],
  },
  {
    code: "it",
    all: ["tutte", "tutti"],
    order: "verb-noun-earlier",
    verbs: ["ignora", "ignorate", "ignorare", "dimentica", "dimenticate", "dimenticare", "trascura", "non tenere conto", "non considerare", "scarta"],
    earlier: ["precedent", "sopra", "iniziali", "original", "di sistema", "del sistema", "date prima", "ricevut"],
    orders: ["istruzion", "indicazion", "regol", "ordin", "direttiv", "compit", "comand", "prompt"],
  },
  {
    code: "pt",
    all: ["todas", "todos"],
    order: "verb-noun-earlier",
    verbs: ["ignore", "ignora", "ignorar", "ignorem", "esqueça", "esqueca", "esquece", "esquecer", "desconsidere", "desconsidera", "despreze", "descarte"],
    earlier: ["anterior", "acima", "inicia", "origina", "prévia", "previa", "do sistema", "recebid", "dadas"],
    orders: ["instruç", "instruc", "regra", "ordens", "ordem", "diretriz", "diretrizes", "diretiva", "tarefa", "comando", "indicaç", "prompt"],
  },
  {
    code: "nl",
    all: ["alle"],
    order: "verb-earlier-noun",
    verbs: ["negeer", "negeren", "negeert", "vergeet", "vergeten", "sla over", "omzeil"],
    earlier: ["vorige", "voorgaande", "eerdere", "bovenstaande", "oorspronkelijke", "originele", "alle", "je", "jouw", "uw", "systeem"],
    orders: ["instructie", "opdracht", "regel", "richtlijn", "aanwijzing", "bevel", "prompt", "commando"],
  },
  {
    code: "ru",
    all: ["все", "всё", "любые"],
    order: "verb-earlier-noun",
    verbs: ["игнорируй", "игнорируйте", "игнорировать", "проигнорируй", "проигнорируйте", "забудь", "забудьте", "забыть", "отбрось", "отбросьте", "не обращай внимания на", "не обращайте внимания на", "пренебреги", "обойди"],
    earlier: ["предыдущ", "прошл", "выше", "прежн", "изначальн", "исходн", "системн", "все", "всё", "свои", "твои", "ваши"],
    orders: ["инструкци", "указани", "правил", "команд", "приказ", "директив", "промпт", "задани", "сообщени", "ограничени"],
  },
  {
    code: "pl",
    all: ["wszystkie", "wszelkie"],
    order: "verb-earlier-noun",
    verbs: ["zignoruj", "ignoruj", "zapomnij", "pomiń", "pomin", "odrzuć", "odrzuc"],
    earlier: ["poprzedni", "wcześniejsz", "powyższ", "wszystki", "swoje", "twoje", "systemow", "o"],
    orders: ["instrukcj", "polece", "zasad", "reguł", "regul", "wytyczn", "rozkaz", "prompt"],
  },
  {
    code: "cs-sk",
    all: ["všechny", "vsechny", "všetky", "vsetky"],
    order: "verb-earlier-noun",
    verbs: ["ignoruj", "ignorujte", "zapomeň", "zapomen", "zabudni", "zabudnite"],
    earlier: ["předchoz", "predchoz", "předešl", "všechny", "vsechny", "všetky", "vsetky", "původní", "puvodni"],
    orders: ["instrukc", "pokyn", "pravidl", "příkaz", "prikaz", "prompt"],
  },
  {
    code: "hr-sr-bs",
    all: ["sve"],
    order: "verb-earlier-noun",
    verbs: ["zaboravi", "zaboravite", "zanemari", "zanemarite", "ignoriraj", "ignorirajte", "ignoriši", "ignorisi"],
    earlier: ["prethodn", "sve", "svoje", "tvoje", "ranij", "gornj", "originaln"],
    orders: ["instrukcij", "upute", "uputstv", "pravil", "naredb", "naputk", "prompt"],
  },
  {
    code: "sv-da-no",
    all: ["alla", "alle"],
    order: "verb-earlier-noun",
    verbs: ["ignorera", "glöm", "glom", "ignorer", "glem", "bortse fra", "bortse från"],
    earlier: ["tidigare", "tidligere", "föregående", "foregående", "ovanstående", "ovenstående", "alla", "alle", "dina", "dine", "ursprungliga", "oprindelige", "opprinnelige"],
    orders: ["instruktion", "instruks", "regler", "anvisning", "direktiv", "kommando", "prompt"],
  },
  {
    code: "id-ms",
    all: ["semua", "segala"],
    order: "verb-earlier-noun",
    verbs: ["abaikan", "lupakan", "acuhkan", "hiraukan"],
    earlier: ["semua", "sebelumnya", "di atas", "awal", "asli", "sistem", "segala"],
    orders: ["instruksi", "perintah", "aturan", "arahan", "petunjuk", "prompt"],
  },
];

// Nouns with everyday objects ("ignora el mensaje", "ignore the prompt that pops up"): they count
// only next to a word for "earlier".
const EVERYDAY = /messag|mensaj|сообщени|prompt|informat|angabe|eingabe|kontext|tâche|tarea|compit|tarefa|aufgabe|auftr|ordr|ordin|orden|órden|ordem|comand|command|kommando|commando|befehl|команд|задани|ausführung/;

/** Every entry is a stem: a single word may go on ("anweisung" → "Anweisungen"); a phrase is literal. */
const stems = (list: readonly string[]) => list.map((x) => (x.includes(" ") ? x : `${x}*`));

function languagePatterns(lang: Lang): Pattern[] {
  const earlier = words(...stems(lang.earlier));
  const noun = words(...stems(lang.orders));
  const ruleNoun = words(...stems(lang.orders.filter((o) => !EVERYDAY.test(o))));
  const lead = stems(lang.verbs);
  const rest = lang.order === "verb-earlier-noun" ? `${gap(3)}${earlier}${E}${gap(2)}${noun}${E}` : `${gap(3)}${noun}${E}${gap(2)}${earlier}${E}`;
  return [
    led({ id: `${lang.code}_ignore_previous_instructions`, family: "override", w: 0.95, lead, rest }),
    // "Oubliez toutes les instructions", "olvida todas las reglas": every rule, not one in particular.
    led({ id: `${lang.code}_ignore_all_instructions`, family: "override", w: 0.85, lead, rest: `${gap(1)}${words(...lang.all)}${E}${gap(2)}${ruleNoun}${E}` }),
    // Without the word for "earlier" ("ignoriere die Anweisungen"): weaker, the object may be anything.
    led({ id: `${lang.code}_ignore_instructions`, family: "override", w: 0.5, lead, rest: `${gap(2)}${ruleNoun}${E}` }),
  ];
}

// Scripts without spaces between words: scanned, and only when the text has such characters at all.
const { cjk: CJK, arabic: ARABIC, devanagari: DEVANAGARI } = SCRIPT;

const OTHER_OVERRIDE: Pattern[] = [
  // "Vergiss alles davor", "olvida todo", "oublie tout", "dimentica tutto", "esqueça tudo", "vergeet alles", "забудь всё", "zaboravi sve"
  led({
    id: "forget_everything_i18n",
    family: "override",
    w: 0.55,
    lead: ["vergiss", "vergessen sie", "ignoriere", "olvida", "olvide", "olvidar", "olvidarte de", "olvídate de", "oublie", "oubliez", "oublier", "dimentica", "esqueça", "esqueca", "esquece", "vergeet", "забудь", "забудьте", "zaboravi", "zapomnij o", "lupakan"],
    rest: `${gap(1)}${words("alles", "todo", "tout", "tutto", "tudo", "всё", "все", "sve", "wszystkim", "semuanya")}${E}`,
  }),
  led({
    id: "forget_everything_before_i18n",
    family: "override",
    w: 0.8,
    lead: ["vergiss", "vergessen sie", "olvida", "olvide", "oublie", "oubliez", "dimentica", "esqueça", "esquece", "vergeet", "забудь", "забудьте", "zaboravi"],
    rest: `${gap(1)}${words("alles", "todo", "tout", "tutto", "tudo", "всё", "все", "sve")}${gap(3)}${words("davor", "zuvor", "vorher", "bisher", "gesagte", "oben", "antes", "avant", "auparavant", "prima", "precedente", "eerder", "daarvoor", "раньше", "ранее", "выше", "prije", "ranije")}${E}`,
  }),
  led({ id: "de_new_instructions_follow", family: "override", w: 0.7, lead: cross(["nun", "jetzt"], ["folgen"]), rest: `${gap(1)}${words("neue", "weitere")}${gap(1)}${words("anweisung*", "aufgabe*", "instruktion*", "befehl*")}${E}` }),
  led({ id: "de_dont_listen", family: "override", w: 0.7, lead: ["höre", "hör", "hore"], rest: `${gap(1)}nicht${gap(1)}auf${gap(1)}${words("alles", "das")}${gap(1)}${words("zuvor", "vorher", "bisher", "davor")}${E}` }),
  led({ id: "fr_new_instructions", family: "override", w: 0.55, lead: ["nouvelles", "vraies", "véritables"], rest: `${gap(0)}${words("instructions", "consignes", "règles")}${E}` }),
  led({ id: "es_new_instructions", family: "override", w: 0.55, lead: ["nuevas", "verdaderas"], rest: `${gap(0)}${words("instrucciones", "reglas", "órdenes", "indicaciones")}${E}` }),
  led({
    id: "tr_ignore_previous",
    family: "override",
    w: 0.9,
    lead: ["önceki", "yukarıdaki", "tüm", "bütün", "eski"],
    rest: `${gap(2)}${words("talimat*", "komut*", "kural*", "yönerge*", "direktif*")}${gap(1)}${words("yok say*", "görmezden gel*", "unut*", "dikkate alma*", "boşver*")}`,
  }),
  led({ id: "vi_ignore_previous", family: "override", w: 0.9, lead: ["bỏ qua"], rest: `${gap(3)}${words("hướng dẫn", "chỉ dẫn", "lệnh", "quy tắc", "chỉ thị")}${E}` }),
  scan({ id: "zh_ignore_previous", family: "override", w: 0.9, script: CJK, need: ["忽", "无视", "無視", "忘", "理会", "理會", "跳过", "跳過", "丢弃", "丟棄", "抛开", "拋開"], re: /(?:忽略|忽视|忽視|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|不理会|跳过|跳過|丢弃|丟棄|抛开|拋開)[^。！？\n]{0,8}(?:指令|指示|说明|說明|规则|規則|提示|命令|要求|设定|設定|约束|約束)/u }),
  scan({ id: "ja_ignore_previous", family: "override", w: 0.9, script: CJK, need: ["無視", "忘れ"], re: /(?:以前|前|上記|これまで|今まで|先|最初|全て|すべて)の[^。！？\n]{0,10}(?:指示|命令|指令|ルール|プロンプト|設定|制約)[^。！？\n]{0,6}(?:無視|忘れ)/u }),
  scan({ id: "ko_ignore_previous", family: "override", w: 0.9, script: CJK, need: ["무시", "잊어"], re: /(?:이전|위의|앞의|모든|기존)[^.!?\n]{0,10}(?:지시|명령|지침|규칙|프롬프트)[^.!?\n]{0,8}(?:무시|잊어)/u }),
  scan({ id: "ar_ignore_previous", family: "override", w: 0.85, script: ARABIC, need: ["التعليمات", "الأوامر", "القواعد", "التوجيهات"], re: /(?:تجاهل|انس|إنس|اهمل|أهمل)[^.!؟\n]{0,24}(?:التعليمات|الأوامر|القواعد|التوجيهات)/u }),
  scan({ id: "hi_ignore_previous", family: "override", w: 0.85, script: DEVANAGARI, need: ["निर्देश", "नियम"], re: /(?:पिछले|पिछली|सभी|पहले)[^।!?\n]{0,16}(?:निर्देश|निर्देशों|नियम|नियमों)[^।!?\n]{0,16}(?:अनदेखा|भूल|नज़रअंदाज़|नजरअंदाज)/u }),
];

const OTHER_EXTRACTION: Pattern[] = [
  led({
    id: "de_show_your_prompt",
    family: "extraction",
    w: 0.8,
    lead: ["zeig*", "gib", "nenn*", "verrat*", "wiederhol*", "druck*", "schreib*", "enthüll*", "offenbar*", "teil*", "sag*"],
    rest: `${gap(3)}${words("dein*", "ihr*", "system*", "ursprünglich*", "anfänglich*", "obig*", "vorherig*", "gesamt*", "vollständig*")}${gap(2)}${words("prompt*", "systemprompt*", "anweisung*", "instruktion*", "systemnachricht*", "eingabeaufforderung*", "regeln", "vorgaben")}${E}`,
  }),
  led({ id: "de_what_is_above", family: "extraction", w: 0.6, lead: cross(["was"], ["steht", "stand", "wurde"]), rest: `${gap(3)}${words("oben", "am anfang", "zu beginn", "davor")}${E}` }),
  led({ id: "de_above_prompt", family: "extraction", w: 0.6, lead: ["obige", "obigen", "vorherige", "vorherigen"], rest: `${gap(0)}${words("eingabeaufforderung", "prompt", "anweisung", "anweisungen")}${E}` }),
  led({
    id: "romance_show_your_prompt",
    family: "extraction",
    w: 0.8,
    lead: ["montre*", "affiche*", "révèle*", "révélez", "répète*", "répétez", "donne*", "imprime*", "dis", "dites", "muestra*", "muéstrame", "revela*", "revélame", "repite*", "dime", "dame", "enséñame", "mostra*", "rivela*", "ripeti*", "dimmi", "stampa*", "dammi", "mostre", "revele", "repita", "diga", "imprima", "me dê"],
    rest: `${gap(3)}${words("ton", "ta", "tes", "votre", "vos", "tu", "tus", "su", "sus", "tuo", "tuoi", "tue", "tua", "seu", "seus", "sua", "suas", "teu", "teus")}${gap(1)}${words("prompt", "instructions", "instruction", "consignes", "instrucciones", "istruzioni", "instruções", "instrucoes", "règles", "reglas", "regole", "regras", "message système", "mensaje del sistema", "messaggio di sistema", "mensagem do sistema")}${E}`,
  }),
  led({
    id: "nl_ru_show_your_prompt",
    family: "extraction",
    w: 0.8,
    lead: ["toon", "laat", "geef", "herhaal", "onthul", "покажи", "покажите", "выведи", "выведите", "раскрой", "повтори", "напиши", "скажи", "расскажи"],
    rest: `${gap(3)}${words("je", "jouw", "uw", "свой", "свои", "твой", "твои", "ваш", "ваши", "системн*")}${gap(1)}${words("prompt*", "instructies", "systeemprompt", "regels", "промпт*", "инструкци*", "правила", "системное сообщение")}${E}`,
  }),
  scan({ id: "zh_reveal_prompt", family: "extraction", w: 0.8, script: CJK, need: ["提示", "指令", "指示", "规则", "規則", "prompt"], re: /(?:显示|顯示|输出|輸出|打印|重复|重複|告诉我|告訴我|透露|泄露|洩露|展示|给我看|給我看)[^。！？\n]{0,8}(?:系统|系統|初始|原始|隐藏|隱藏)?(?:提示词|提示詞|提示|指令|指示|规则|規則|prompt)/u }),
  scan({ id: "ja_reveal_prompt", family: "extraction", w: 0.8, script: CJK, need: ["プロンプト", "指示"], re: /(?:システムプロンプト|初期指示|指示|プロンプト)[^。！？\n]{0,8}(?:表示|出力|教え|見せ|繰り返)/u }),
  scan({ id: "ko_reveal_prompt", family: "extraction", w: 0.8, script: CJK, need: ["프롬프트", "지시"], re: /(?:시스템\s?프롬프트|지시\s?사항|초기\s?지시|프롬프트)[^.!?\n]{0,8}(?:보여|출력|알려|말해)/u }),
];

const OTHER_ROLEPLAY: Pattern[] = [
  led({
    id: "no_restrictions_i18n",
    family: "roleplay_jailbreak",
    w: 0.45,
    lead: ["sin", "ohne", "keine", "sans", "aucune", "senza", "nessuna", "sem", "nenhuma", "zonder", "geen", "без", "bez"],
    rest: `${gap(1)}${words("restricciones", "filtros", "censura", "einschränkungen", "zensur", "filter", "grenzen", "regeln", "restrictions", "filtres", "censure", "limites", "restrizioni", "filtri", "limiti", "restrições", "beperkingen", "ограничений", "фильтров", "цензуры", "правил", "ograniczeń", "cenzury")}${E}`,
  }),
  led({ id: "developer_mode_i18n", family: "roleplay_jailbreak", w: 0.45, lead: ["modo desarrollador", "entwicklermodus", "mode développeur", "modalità sviluppatore", "modo desenvolvedor", "режим разработчика", "tryb dewelopera"], rest: "" }),
  scan({ id: "developer_mode_cjk", family: "roleplay_jailbreak", w: 0.45, script: CJK, need: ["模式"], re: /开发者模式|開發者模式|開発者モード/u }),
];

export const I18N_PATTERNS: readonly Pattern[] = [...LANGS.flatMap(languagePatterns), ...OTHER_OVERRIDE, ...OTHER_EXTRACTION, ...OTHER_ROLEPLAY];
