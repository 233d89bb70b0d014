// vigie_roster_gen writes a synthetic register of vulnerable people in the
// layout of the Paris heatwave campaign's `reflex` source:
//
//   id;phone;phone2;last_name;first_name;birth;arrondissement;lives_alone;tz
//
// The output is a ';'-delimited UTF-8 CSV without a byte order mark, with
// '\n' line ends. It depends only on --count and --seed: the generator uses
// its own SplitMix64 generator and integer arithmetic, never the standard
// library's distributions, whose output differs between library versions.
//
// Every name is a combination of common French names. Every valid phone
// number lies in a range that ARCEP reserves for fiction (01 99 .., 02 61 91,
// 03 53 01, 04 65 71, 05 36 49), and libphonenumber 8.12 accepts these as
// valid French numbers. ARCEP's fiction mobile range 06 39 98 is not valid in that
// metadata, so the roster contains no mobile number.
//
// Rows that a campaign must reject, on purpose: about 1.5% of phones are
// malformed (too short, too long, a letter, empty or a word), about 6 births
// in 10,500 are impossible dates, and about 5 ids in 10,500 repeat an earlier
// id on a later row for a different person.

#include <array>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <CLI/CLI.hpp>

namespace {

// SplitMix64: a 64-bit counter passed through a fixed mixing function, so
// a seed gives the same sequence on every platform and compiler.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // A number in [0, bound). The modulo bias is below 1e-12 for the bounds
  // used here.
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }

  // True with probability per_10000 / 10000.
  bool chance(int per_10000) { return below(10000) < static_cast<std::uint64_t>(per_10000); }

  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 120> kLastNames = {
    "Martin",   "Bernard",   "Dubois",   "Thomas",    "Robert",    "Richard",    "Petit",
    "Durand",   "Leroy",     "Moreau",   "Simon",     "Laurent",   "Lefèvre",    "Michel",
    "Garcia",   "David",     "Bertrand", "Roux",      "Vincent",   "Fournier",   "Morel",
    "Girard",   "André",     "Lefebvre", "Mercier",   "Dupont",    "Lambert",    "Bonnet",
    "François", "Martinez",  "Legrand",  "Garnier",   "Faure",     "Rousseau",   "Blanc",
    "Guérin",   "Muller",    "Henry",    "Roussel",   "Nicolas",   "Perrin",     "Morin",
    "Mathieu",  "Clément",   "Gauthier", "Dumont",    "Lopez",     "Fontaine",   "Chevalier",
    "Robin",    "Masson",    "Sanchez",  "Gérard",    "Nguyen",    "Boyer",      "Denis",
    "Lemaire",  "Duval",     "Joly",     "Gautier",   "Roger",     "Roche",      "Roy",
    "Noël",     "Meyer",     "Lucas",    "Meunier",   "Jean",      "Pérez",      "Marchand",
    "Dufour",   "Blanchard", "Marie",    "Barbier",   "Brun",      "Dumas",      "Brunet",
    "Schmitt",  "Leroux",    "Colin",    "Fernandez", "Pierre",    "Renard",     "Arnaud",
    "Rolland",  "Caron",     "Aubert",   "Giraud",    "Leclerc",   "Vidal",      "Bourgeois",
    "Renaud",   "Lemoine",   "Picard",   "Gaillard",  "Philippe",  "Leclercq",   "Lacroix",
    "Fabre",    "Dupuis",    "Olivier",  "Rodriguez", "Da Silva",  "Hubert",     "Louis",
    "Charles",  "Guillot",   "Rivière",  "Le Gall",   "Guillaume", "Adam",       "Cordier",
    "Benoît",   "Lévêque",   "Ménard",   "D'Almeida", "Prévost",   "Barthélemy", "Lemaître",
    "Bénard"};

constexpr std::array<std::string_view, 48> kWomenFirstNames = {
    "Hélène",    "Bénédicte", "Chloé",   "Éloïse",        "Monique",    "Jacqueline", "Françoise",
    "Geneviève", "Thérèse",   "Odette",  "Simone",        "Paulette",   "Yvette",     "Josette",
    "Ginette",   "Colette",   "Renée",   "Andrée",        "Marcelle",   "Madeleine",  "Suzanne",
    "Jeanne",    "Danièle",   "Michèle", "Christiane",    "Nicole",     "Germaine",   "Lucienne",
    "Raymonde",  "Huguette",  "Denise",  "Élise",         "Agnès",      "Noëlle",     "Cécile",
    "Solange",   "Gisèle",    "Léonie",  "Marie-Thérèse", "Anne-Marie", "Éliane",     "Irène",
    "Mireille",  "Béatrice",  "Annick",  "Zoé",           "Fatima",     "Yolande"};

constexpr std::array<std::string_view, 44> kMenFirstNames = {
    "François", "Noël",    "René",    "André",       "Jean-Pierre", "Jacques", "Michel", "Gérard",
    "Bernard",  "Raymond", "Marcel",  "Lucien",      "Robert",      "Henri",   "Roger",  "Pierre",
    "Claude",   "Georges", "Maurice", "Jean-Claude", "Étienne",     "Joël",    "Hervé",  "Frédéric",
    "Jérôme",   "Benoît",  "Rémi",    "Léon",        "Émile",       "Gaston",  "Désiré", "Félix",
    "Aimé",     "Armand",  "Lionel",  "Yves",        "Serge",       "Guy",     "Daniel", "Alain",
    "Mohamed",  "Hugues",  "Jérémie", "Honoré"};

// Invented share of the register living in each arrondissement (1 to 20),
// in percent. The outer arrondissements get more because more people live there.
constexpr std::array<int, 20> kArrondissementWeights = {1, 1, 2, 2, 4,  3,  4, 3, 4, 5,
                                                        7, 8, 9, 7, 12, 10, 9, 9, 7, 9};

// Impossible dates that an import must reject.
constexpr std::array<std::string_view, 6> kInvalidBirths = {
    "31/02/1940", "30/02/1938", "31/04/1945", "31/06/1937", "29/02/1941", "00/03/1942"};

// ARCEP fiction ranges outside Paris, for relatives' second numbers.
constexpr std::array<std::string_view, 4> kRegionalFictionPrefixes = {"026191", "035301", "046571",
                                                                      "053649"};

const date::sys_days kReferenceDay = date::year{2019} / date::June / 24;

struct Options {
  int count = 10500;
  std::uint64_t seed = 20190624;
};

// Writes ten digits "0XXXXXXXXX" in one of the ways people type French
// numbers.
std::string format_phone(const std::string& digits, Random& random) {
  const std::string pairs = digits.substr(0, 2) + " " + digits.substr(2, 2) + " " +
                            digits.substr(4, 2) + " " + digits.substr(6, 2) + " " +
                            digits.substr(8, 2);
  const std::string national = digits.substr(1);  // without the trunk prefix 0
  std::string dotted = pairs;
  for (char& c : dotted) c = c == ' ' ? '.' : c;

  switch (random.below(10)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return pairs;
    case 4:
    case 5:
      return dotted;
    case 6:
      return digits;
    case 7:
      return "+33 (0)" + pairs.substr(1);
    case 8:
      return "0033 " + pairs.substr(1);
    default:
      return "+33 " + national.substr(0, 1) + " " + pairs.substr(3);
  }
}

// A number the import must reject; `digits` is a valid number to spoil.
std::string malformed_phone(const std::string& digits, Random& random) {
  switch (random.below(5)) {
    case 0:
      return digits.substr(0, 2) + " " + digits.substr(2, 2) + " " + digits.substr(4, 2) + " " +
             digits.substr(6, 2);  // two digits short
    case 1:
      return digits + "56";  // two digits too many
    case 2:
      return digits.substr(0, 5) + "O" + digits.substr(6);  // the letter O for a zero
    case 3:
      return "";
    default:
      return "inconnu";
  }
}

// The main number: unique per row, in 01 99 00 00 00 - 01 99 99 99 99. The
// multiplier is coprime with 10^6, so rows map to distinct numbers.
std::string main_phone_digits(int row, std::uint64_t seed) {
  const std::uint64_t offset = seed % 1000000;
  const std::uint64_t index = (static_cast<std::uint64_t>(row) * 387419 + offset) % 1000000;
  std::string suffix = std::to_string(index);
  return "0199" + std::string(6 - suffix.size(), '0') + suffix;
}

std::string second_phone_digits(Random& random) {
  std::string suffix = std::to_string(random.below(10000));
  suffix = std::string(4 - suffix.size(), '0') + suffix;
  if (random.chance(3000)) {
    std::string middle = std::to_string(random.below(100));
    return "0199" + std::string(2 - middle.size(), '0') + middle + suffix;
  }
  return std::string(random.pick(kRegionalFictionPrefixes)) + suffix;
}

// An age from 60 to 101 on the reference day: 2% are under 65, the
// register's threshold, so that an audience filter has rows to drop.
int draw_age(Random& random) {
  if (random.chance(200)) return 60 + static_cast<int>(random.below(5));
  const std::uint64_t band = random.below(100);
  if (band < 30) return 65 + static_cast<int>(random.below(10));
  if (band < 70) return 75 + static_cast<int>(random.below(10));
  if (band < 95) return 85 + static_cast<int>(random.below(10));
  return 95 + static_cast<int>(random.below(7));
}

// A birth date at which the person is exactly `age` on the reference day,
// as dd/mm/yyyy.
std::string draw_birth(int age, Random& random) {
  using date::years;
  const date::year_month_day reference{kReferenceDay};
  const date::sys_days latest{(reference.year() - years{age}) / reference.month() /
                              reference.day()};
  const date::sys_days earliest =
      date::sys_days{(reference.year() - years{age + 1}) / reference.month() / reference.day()} +
      date::days{1};
  const auto span = static_cast<std::uint64_t>((latest - earliest).count() + 1);
  const date::year_month_day birth{earliest + date::days{static_cast<int>(random.below(span))}};

  char text[16];
  std::snprintf(text, sizeof text, "%02u/%02u/%04d", static_cast<unsigned>(birth.day()),
                static_cast<unsigned>(birth.month()), static_cast<int>(birth.year()));
  return text;
}

int draw_arrondissement(Random& random) {
  int ticket = static_cast<int>(random.below(100));
  for (int i = 0; i < 20; ++i) {
    ticket -= kArrondissementWeights[i];
    if (ticket < 0) return i + 1;
  }
  return 20;
}

// Picks `how_many` distinct rows in [first, count).
std::set<int> pick_rows(int how_many, int first, int count, Random& random) {
  std::set<int> rows;
  if (count <= first) return rows;
  while (static_cast<int>(rows.size()) < how_many &&
         static_cast<int>(rows.size()) < count - first) {
    rows.insert(first + static_cast<int>(random.below(count - first)));
  }
  return rows;
}

std::string format_id(int row) {
  std::string digits = std::to_string(row);
  return "R" + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits;
}

void write_roster(const Options& options, std::ostream& out) {
  Random random(options.seed);
  // Special rows scale with the roster: 5 duplicate ids, 6 impossible
  // births and 8 explicit time zones per 10,500 rows.
  const int count = options.count;
  const std::set<int> duplicate_rows = pick_rows(count * 5 / 10500, count / 10, count, random);
  const std::set<int> invalid_birth_rows = pick_rows(count * 6 / 10500, 0, count, random);
  const std::set<int> zone_rows = pick_rows(count * 8 / 10500, 0, count, random);

  out << "id;phone;phone2;last_name;first_name;birth;arrondissement;lives_alone;tz\n";
  for (int row = 1; row <= count; ++row) {
    std::string id = format_id(row);
    if (row > 1 && duplicate_rows.count(row - 1) != 0) {
      // Reuse the id of an earlier row that kept its own id.
      int earlier = 0;
      do {
        earlier = static_cast<int>(random.below(row - 1));
      } while (duplicate_rows.count(earlier) != 0);
      id = format_id(earlier + 1);
    }

    const std::string digits = main_phone_digits(row, options.seed);
    const std::string phone =
        random.chance(150) ? malformed_phone(digits, random) : format_phone(digits, random);
    const std::string phone2 =
        random.chance(2500) ? format_phone(second_phone_digits(random), random) : "";

    const bool woman =
        random.chance(6500);  // 65% women, an estimate: women outnumber men at these ages
    const std::string_view first_name =
        woman ? random.pick(kWomenFirstNames) : random.pick(kMenFirstNames);
    const std::string_view last_name = random.pick(kLastNames);

    const int age = draw_age(random);
    const std::string birth = invalid_birth_rows.count(row - 1) != 0
                                  ? std::string(random.pick(kInvalidBirths))
                                  : draw_birth(age, random);
    const int arrondissement = draw_arrondissement(random);
    // Living alone grows more common with age; 5% left the field empty.
    const std::string lives_alone =
        random.chance(500) ? "" : (random.chance(3000 + 40 * (age - 60)) ? "oui" : "non");
    const std::string zone = zone_rows.count(row - 1) != 0 ? "Europe/Paris" : "";

    out << id << ';' << phone << ';' << phone2 << ';' << last_name << ';' << first_name << ';'
        << birth << ';' << arrondissement << ';' << lives_alone << ';' << zone << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "Writes a synthetic register of vulnerable people (Paris heatwave layout) as a "
      "';'-delimited CSV on standard output."};
  app.add_option("--count", options.count, "number of rows to write")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  app.add_option("--seed", options.seed,
                 "seed of the pseudo-random generator; the same seed "
                 "and count give the same file")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::ios::sync_with_stdio(false);
  write_roster(options, std::cout);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "vigie_roster_gen: failed to write the roster to standard output\n";
    return 1;
  }
  return 0;
}
