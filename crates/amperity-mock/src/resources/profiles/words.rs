//! The word lists profiles are made of.
//!
//! The lists that filterable attributes come from have prime lengths (61 first names, 59 last
//! names, 43 cities, 5 tiers; booleans make 2): a profile's attribute is its position modulo the
//! list's length, and pairwise coprime lengths make every combination of them occur (the Chinese
//! remainder theorem), which is what lets a filter be solved arithmetically (`filter.rs`).
//!
//! The text stresses what a client does with it: accents, Cyrillic, CJK, apostrophes, a comma in
//! a last name, a space and a hyphen in first names, a city whose name two states share.

/// First names, with the ASCII spelling e-mail addresses use. The first is the documentation's
/// example profile's.
pub(super) const FIRST_NAMES: [(&str, &str); 61] = [
    ("Daniel", "daniel"),
    ("Maria", "maria"),
    ("James", "james"),
    ("Priya", "priya"),
    ("Wei", "wei"),
    ("José", "jose"),
    ("Aisha", "aisha"),
    ("Liam", "liam"),
    ("Sofia", "sofia"),
    ("Mohammed", "mohammed"),
    ("Emma", "emma"),
    ("Noah", "noah"),
    ("Olivia", "olivia"),
    ("Hiroshi", "hiroshi"),
    ("Zoë", "zoe"),
    ("Renée", "renee"),
    ("Siobhán", "siobhan"),
    ("François", "francois"),
    ("Björn", "bjorn"),
    ("Łukasz", "lukasz"),
    ("Mary-Kate", "marykate"),
    ("Anne Marie", "annemarie"),
    ("D'Andre", "dandre"),
    ("Chloé", "chloe"),
    ("Mateo", "mateo"),
    ("Fatima", "fatima"),
    ("Ethan", "ethan"),
    ("Ava", "ava"),
    ("Lucas", "lucas"),
    ("Isabella", "isabella"),
    ("Benjamin", "benjamin"),
    ("Mia", "mia"),
    ("Elijah", "elijah"),
    ("Harper", "harper"),
    ("Alexander", "alexander"),
    ("Evelyn", "evelyn"),
    ("Samuel", "samuel"),
    ("Grace", "grace"),
    ("Diego", "diego"),
    ("Camila", "camila"),
    ("Kenji", "kenji"),
    ("Yuki", "yuki"),
    ("Ananya", "ananya"),
    ("Ravi", "ravi"),
    ("Olga", "olga"),
    ("Мария", "mariya"),
    ("Дмитрий", "dmitry"),
    ("美咲", "misaki"),
    ("Ngozi", "ngozi"),
    ("Kwame", "kwame"),
    ("Søren", "soren"),
    ("Ahmet", "ahmet"),
    ("Leilani", "leilani"),
    ("Thandiwe", "thandiwe"),
    ("Ingrid", "ingrid"),
    ("Nadia", "nadia"),
    ("Omar", "omar"),
    ("Carmen", "carmen"),
    ("Pedro", "pedro"),
    ("Giulia", "giulia"),
    ("Hannah", "hannah"),
];

/// Last names, with the ASCII spelling e-mail addresses use (never a digit, so that the number
/// after it in an address reads back). The first is the documentation's example profile's.
pub(super) const LAST_NAMES: [(&str, &str); 59] = [
    ("Kuhlman", "kuhlman"),
    ("Smith", "smith"),
    ("Johnson", "johnson"),
    ("Williams", "williams"),
    ("Brown", "brown"),
    ("Jones", "jones"),
    ("García", "garcia"),
    ("Miller", "miller"),
    ("Davis", "davis"),
    ("Rodriguez", "rodriguez"),
    ("Martinez", "martinez"),
    ("Hernández", "hernandez"),
    ("Lopez", "lopez"),
    ("Wilson", "wilson"),
    ("Anderson", "anderson"),
    ("Thomas", "thomas"),
    ("Taylor", "taylor"),
    ("Moore", "moore"),
    ("Jackson", "jackson"),
    ("Lee", "lee"),
    ("Pérez", "perez"),
    ("Thompson", "thompson"),
    ("White", "white"),
    ("Harris", "harris"),
    ("Sánchez", "sanchez"),
    ("Clark", "clark"),
    ("Lewis", "lewis"),
    ("Robinson", "robinson"),
    ("Walker", "walker"),
    ("Young", "young"),
    ("King", "king"),
    ("Wright", "wright"),
    ("Scott", "scott"),
    ("Torres", "torres"),
    ("Nguyễn", "nguyen"),
    ("Hill", "hill"),
    ("Flores", "flores"),
    ("Green", "green"),
    ("O'Brien", "obrien"),
    ("Müller", "muller"),
    ("Schröder", "schroder"),
    ("Østergaard", "ostergaard"),
    ("Kowalski", "kowalski"),
    ("Smith, Jr.", "smithjr"),
    ("de la Cruz", "delacruz"),
    ("Van der Berg", "vanderberg"),
    ("St. James", "stjames"),
    ("Patel", "patel"),
    ("Kim", "kim"),
    ("Chen", "chen"),
    ("Wang", "wang"),
    ("Tanaka", "tanaka"),
    ("山田", "yamada"),
    ("Иванов", "ivanov"),
    ("Al-Sayed", "alsayed"),
    ("Okafor", "okafor"),
    ("Dubois", "dubois"),
    ("Rossi", "rossi"),
    ("Kuhlman-Smith", "kuhlmansmith"),
];

/// A place: city, state or region, country (ISO 3166 alpha-2) and a postal code of the
/// country's shape (a string: leading zeros and letters).
pub(super) struct Place {
    pub(super) city: &'static str,
    pub(super) state: &'static str,
    pub(super) country: &'static str,
    pub(super) postal_code: &'static str,
}

const fn place(
    city: &'static str,
    state: &'static str,
    country: &'static str,
    postal_code: &'static str,
) -> Place {
    Place {
        city,
        state,
        country,
        postal_code,
    }
}

/// Where profiles live. Two cities are called Portland, so a filter on a city can match two
/// places; a filter on a state or country matches several.
pub(super) const PLACES: [Place; 43] = [
    place("Seattle", "WA", "US", "98101"),
    place("Portland", "OR", "US", "97205"),
    place("Spokane", "WA", "US", "99201"),
    place("Tacoma", "WA", "US", "98402"),
    place("Boise", "ID", "US", "83702"),
    place("Coeur d'Alene", "ID", "US", "83814"),
    place("San Francisco", "CA", "US", "94103"),
    place("Los Angeles", "CA", "US", "90012"),
    place("San José", "CA", "US", "95113"),
    place("San Diego", "CA", "US", "92101"),
    place("Austin", "TX", "US", "78701"),
    place("Dallas", "TX", "US", "75201"),
    place("Houston", "TX", "US", "77002"),
    place("Chicago", "IL", "US", "60601"),
    place("New York", "NY", "US", "10001"),
    place("Brooklyn", "NY", "US", "11201"),
    place("Boston", "MA", "US", "02108"),
    place("Portland", "ME", "US", "04101"),
    place("Miami", "FL", "US", "33130"),
    place("Orlando", "FL", "US", "32801"),
    place("Atlanta", "GA", "US", "30303"),
    place("Denver", "CO", "US", "80202"),
    place("Phoenix", "AZ", "US", "85004"),
    place("Minneapolis", "MN", "US", "55401"),
    place("Detroit", "MI", "US", "48226"),
    place("Nashville", "TN", "US", "37203"),
    place("New Orleans", "LA", "US", "70112"),
    place("Salt Lake City", "UT", "US", "84101"),
    place("Honolulu", "HI", "US", "96813"),
    place("Anchorage", "AK", "US", "99501"),
    place("Philadelphia", "PA", "US", "19103"),
    place("Washington", "DC", "US", "20001"),
    place("Montréal", "QC", "CA", "H2X 1Y4"),
    place("Québec", "QC", "CA", "G1R 4P5"),
    place("Toronto", "ON", "CA", "M5V 2T6"),
    place("Vancouver", "BC", "CA", "V6B 1A1"),
    place("London", "England", "GB", "SW1A 1AA"),
    place("Zürich", "ZH", "CH", "8001"),
    place("München", "Bayern", "DE", "80331"),
    place("São Paulo", "SP", "BR", "01310-100"),
    place("Ciudad de México", "CDMX", "MX", "06000"),
    place("東京", "東京都", "JP", "100-0001"),
    place("Sydney", "NSW", "AU", "2000"),
];

/// Loyalty tiers.
pub(super) const TIERS: [&str; 5] = ["Member", "Silver", "Gold", "Platinum", "Diamond"];

/// Domains of generated e-mail addresses: reserved for examples, or the documentation's.
pub(super) const DOMAINS: [&str; 5] = [
    "email.com",
    "example.com",
    "example.org",
    "mail.example.net",
    "inbox.example",
];

/// Free-text notes, most of them written to trip up CSV writers and readers: commas, both kinds
/// of quote, newlines (LF and CRLF), a tab, a formula, spaces at the ends, non-Latin scripts,
/// an emoji outside the Basic Multilingual Plane. Empty is a value too.
pub(super) const NOTES: &[&str] = &[
    "",
    "",
    "Prefers email, not SMS",
    "Said \"call me after 5pm\"",
    "Gift wrap every order\nLeave at the back door",
    "VIP – handle with care",
    "Tab\tseparated",
    "Comma, \"quote\", and\nnewline",
    "=SUM(A1:A2)",
    "  leading and trailing spaces  ",
    "Back\\slash and /slash",
    "Windows line\r\nending",
    "日本語のメモ",
    "Заметка о клиенте",
    "ملاحظة",
    "Loves 🧶 and ☕",
    "It's \"complicated\", she says",
    "; semicolon; separated;",
];

/// Stores, some with a comma or quotes in their name.
pub(super) const STORES: &[&str] = &[
    "Online",
    "Seattle – Pike Place",
    "Portland, Pearl District",
    "\"Flagship\" Store, New York",
    "Austin Domain",
    "Chicago Magnificent Mile",
    "Montréal – Rue Sainte-Catherine",
    "Mobile app",
];

/// How e-mail subscribers signed up.
pub(super) const SIGNUP_SOURCES: &[&str] = &[
    "web",
    "in-store",
    "mobile app",
    "referral",
    "checkout",
    "pop-up \"Spring, 2026\" form",
];

/// Product categories, for a list-valued attribute.
pub(super) const CATEGORIES: &[&str] = &[
    "Outerwear",
    "Footwear",
    "Men's Shoes",
    "Women's Apparel",
    "Kids, Baby",
    "Home & Garden",
    "Beauty",
    "Électronique",
];
