#include "model/interval.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace hyperschema {
namespace {

enum class Unit { Micro, Milli, Second, Minute, Hour, Day, Week, Month, Year };

struct UnitName {
    const char* name;
    Unit unit;
};

constexpr std::array kUnitNames{
    UnitName{"microseconds", Unit::Micro},
    UnitName{"microsecond", Unit::Micro},
    UnitName{"us", Unit::Micro},
    UnitName{"milliseconds", Unit::Milli},
    UnitName{"millisecond", Unit::Milli},
    UnitName{"ms", Unit::Milli},
    UnitName{"seconds", Unit::Second},
    UnitName{"second", Unit::Second},
    UnitName{"secs", Unit::Second},
    UnitName{"sec", Unit::Second},
    UnitName{"s", Unit::Second},
    UnitName{"minutes", Unit::Minute},
    UnitName{"minute", Unit::Minute},
    UnitName{"mins", Unit::Minute},
    UnitName{"min", Unit::Minute},
    UnitName{"hours", Unit::Hour},
    UnitName{"hour", Unit::Hour},
    UnitName{"hrs", Unit::Hour},
    UnitName{"hr", Unit::Hour},
    UnitName{"h", Unit::Hour},
    UnitName{"days", Unit::Day},
    UnitName{"day", Unit::Day},
    UnitName{"d", Unit::Day},
    UnitName{"weeks", Unit::Week},
    UnitName{"week", Unit::Week},
    UnitName{"w", Unit::Week},
    UnitName{"months", Unit::Month},
    UnitName{"month", Unit::Month},
    UnitName{"mons", Unit::Month},
    UnitName{"mon", Unit::Month},
    UnitName{"years", Unit::Year},
    UnitName{"year", Unit::Year},
    UnitName{"yrs", Unit::Year},
    UnitName{"yr", Unit::Year},
    UnitName{"y", Unit::Year},
};

std::optional<Unit> unit_from(std::string_view word) {
    for (const auto& u : kUnitNames) {
        if (word == u.name) return u.unit;
    }
    return std::nullopt;
}

// Adds amount*unit, refusing anything that would overflow PostgreSQL's fields.
bool add(Interval& iv, int64_t amount, Unit unit) {
    constexpr int64_t kMax = std::numeric_limits<int32_t>::max();  // PostgreSQL's months/days are int32
    auto add_field = [](int64_t& field, int64_t value, int64_t limit) {
        if (value > limit || field > limit - value) return false;
        field += value;
        return true;
    };
    switch (unit) {
        case Unit::Micro:
            return add_field(iv.micros, amount, int64_t{1} << 60);
        case Unit::Milli:
            return amount < (int64_t{1} << 50) && add_field(iv.micros, amount * 1000, int64_t{1} << 60);
        case Unit::Second:
            return amount < (int64_t{1} << 40) &&
                   add_field(iv.micros, amount * Interval::kMicrosPerSecond, int64_t{1} << 60);
        case Unit::Minute:
            return amount < (int64_t{1} << 34) &&
                   add_field(iv.micros, amount * 60 * Interval::kMicrosPerSecond, int64_t{1} << 60);
        case Unit::Hour:
            return amount < (int64_t{1} << 28) &&
                   add_field(iv.micros, amount * 3600 * Interval::kMicrosPerSecond, int64_t{1} << 60);
        case Unit::Day:
            return add_field(iv.days, amount, kMax);
        case Unit::Week:
            return amount <= kMax / 7 && add_field(iv.days, amount * 7, kMax);
        case Unit::Month:
            return add_field(iv.months, amount, kMax);
        case Unit::Year:
            return amount <= kMax / 12 && add_field(iv.months, amount * 12, kMax);
    }
    return false;
}

// approx_micros() must not overflow, with room for the validator to add and
// double it: at most 2^60 microseconds (about 36,000 years).
bool approx_fits(const Interval& iv) {
    constexpr int64_t kLimit = int64_t{1} << 60;
    const int64_t days = iv.months * 30 + iv.days;  // both at most int32 max: no overflow
    return days <= kLimit / Interval::kMicrosPerDay && days * Interval::kMicrosPerDay <= kLimit - iv.micros;
}

std::string plural(int64_t n, const char* word) {
    std::string out = std::to_string(n) + " " + word;
    if (n != 1) out += "s";
    return out;
}

// "1.5 days" as whole smaller units ("1 day 12 hours"), converting the
// fraction as PostgreSQL does (a month is 30 days); "" when the fraction is
// below a microsecond.
std::string whole_units(int64_t amount, std::string_view fraction_digits, Unit unit) {
    std::string digits(fraction_digits.substr(0, 6));
    int64_t scale = 1;
    for (size_t k = 0; k < digits.size(); ++k) scale *= 10;
    int64_t numerator = digits.empty() ? 0 : std::stoll(digits);  // fraction = numerator / scale
    Interval whole;
    if (!add(whole, amount, unit)) return "";
    Interval part;
    auto spill_days = [&](int64_t n) {  // n / scale days
        part.days += n / scale;
        part.micros += n % scale * Interval::kMicrosPerDay / scale;
    };
    switch (unit) {
        case Unit::Year: {
            const int64_t months = numerator * 12;
            part.months = months / scale;
            spill_days(months % scale * 30);
            break;
        }
        case Unit::Month:
            spill_days(numerator * 30);
            break;
        case Unit::Week:
            spill_days(numerator * 7);
            break;
        case Unit::Day:
            spill_days(numerator);
            break;
        case Unit::Hour:
            part.micros = numerator * 3600 * Interval::kMicrosPerSecond / scale;
            break;
        case Unit::Minute:
            part.micros = numerator * 60 * Interval::kMicrosPerSecond / scale;
            break;
        case Unit::Second:
            part.micros = numerator * Interval::kMicrosPerSecond / scale;
            break;
        case Unit::Milli:
            part.micros = numerator * 1000 / scale;
            break;
        case Unit::Micro:
            break;
    }
    if (part == Interval{}) return "";
    Interval total{whole.months + part.months, whole.days + part.days, whole.micros + part.micros};
    return total.text();
}

void append(std::string& out, int64_t n, const char* word) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += plural(n, word);
}

}  // namespace

std::vector<std::string_view> Interval::unit_names() {
    std::vector<std::string_view> out;
    for (const auto& u : kUnitNames) out.push_back(u.name);
    return out;
}

std::optional<Interval> Interval::parse(std::string_view text, std::string* error) {
    Interval iv;
    size_t i = 0;
    bool any = false;
    auto skip_space = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    auto fail = [&](std::string why) -> std::optional<Interval> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    skip_space();
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        if (i == start) return fail("expected a number at `" + std::string(text.substr(start)) + "`");
        if (i - start > 12) return fail("number `" + std::string(text.substr(start, i - start)) + "` is too large");
        int64_t amount = std::stoll(std::string(text.substr(start, i - start)));
        size_t fraction_start = i, fraction_end = i;
        if (i + 1 < text.size() && text[i] == '.' && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
            fraction_start = ++i;
            while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
            fraction_end = i;
        }
        skip_space();
        size_t word_start = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
        std::string word(text.substr(word_start, i - word_start));
        for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (word.empty())
            return fail("missing a unit after `" + std::to_string(amount) + "` (e.g. `" + std::to_string(amount) +
                        " days`)");
        auto unit = unit_from(word);
        if (!unit) return fail("unknown interval unit `" + word + "`");
        if (fraction_end > fraction_start) {
            std::string written(text.substr(start, fraction_end - start));
            std::string instead =
                whole_units(amount, text.substr(fraction_start, fraction_end - fraction_start), *unit);
            return fail("fractions such as `" + written + " " + word +
                        "` are not supported; write whole numbers of smaller units" +
                        (instead.empty() ? ", e.g. `90 minutes` for 1.5 hours" : ", here `" + instead + "`"));
        }
        if (!add(iv, amount, *unit) || !approx_fits(iv)) return fail("interval is too large");
        any = true;
        skip_space();
        if (i < text.size() && text[i] == ',') {
            ++i;
            skip_space();
        }
    }
    if (!any) return fail("empty interval");
    return iv;
}

std::optional<Interval> Interval::parse_amount(std::string_view text, std::string* error) {
    std::string_view digits = text;
    while (!digits.empty() && std::isspace(static_cast<unsigned char>(digits.back()))) digits.remove_suffix(1);
    while (!digits.empty() && std::isspace(static_cast<unsigned char>(digits.front()))) digits.remove_prefix(1);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (negative) digits.remove_prefix(1);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return parse(text, error);
    if (digits.size() > 18) {
        if (error) *error = "number `" + std::string(text) + "` is too large";
        return std::nullopt;
    }
    const int64_t count = std::stoll(std::string(digits));
    return units(negative ? -count : count);
}

std::string Interval::text() const {
    if (integer_units) return std::to_string(micros);
    std::string out;
    append(out, months / 12, "year");
    append(out, months % 12, "month");
    append(out, days, "day");
    int64_t rest = micros;
    const int64_t hour = 3600 * kMicrosPerSecond, minute = 60 * kMicrosPerSecond;
    append(out, rest / hour, "hour");
    rest %= hour;
    append(out, rest / minute, "minute");
    rest %= minute;
    append(out, rest / kMicrosPerSecond, "second");
    rest %= kMicrosPerSecond;
    append(out, rest / 1000, "millisecond");
    append(out, rest % 1000, "microsecond");
    return out.empty() ? "0 seconds" : out;
}

int64_t Interval::approx_micros() const {
    // A quarter of the range, so the validator's `end + 2 * bucket` cannot overflow either.
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 4;
    int64_t day_count = 0, result = 0;
    if (__builtin_mul_overflow(months, int64_t{30}, &day_count) ||
        __builtin_add_overflow(day_count, days, &day_count) ||
        __builtin_mul_overflow(day_count, kMicrosPerDay, &result) || __builtin_add_overflow(result, micros, &result))
        return kMax;
    return result;
}

std::string Interval::sql() const {
    if (integer_units) return text();
    return "INTERVAL '" + text() + "'";
}

// EncodeInterval's INTSTYLE_ISO_8601 branch (datetime.c): each field with
// its own sign, zero fields left out, seconds with up to six fraction digits.
std::string Interval::iso_8601() const {
    if (integer_units) return text();
    const int64_t hour = 3600 * kMicrosPerSecond, minute = 60 * kMicrosPerSecond;
    const int64_t hours = micros / hour, minutes = micros % hour / minute;
    const int64_t seconds = micros % minute / kMicrosPerSecond, fraction = micros % kMicrosPerSecond;
    if (months == 0 && days == 0 && micros == 0) return "PT0S";
    auto part = [](int64_t value, char unit) { return value ? std::to_string(value) + unit : std::string(); };
    std::string out = "P" + part(months / 12, 'Y') + part(months % 12, 'M') + part(days, 'D');
    if (micros == 0) return out;
    out += "T" + part(hours, 'H') + part(minutes, 'M');
    if (seconds == 0 && fraction == 0) return out;
    if (seconds < 0 || fraction < 0) out += '-';
    out += std::to_string(seconds < 0 ? -seconds : seconds);
    if (fraction != 0) {
        std::string digits = std::to_string(fraction < 0 ? -fraction : fraction);
        digits = std::string(6 - digits.size(), '0') + digits;
        while (digits.back() == '0') digits.pop_back();
        out += "." + digits;
    }
    return out + "S";
}

}  // namespace hyperschema
