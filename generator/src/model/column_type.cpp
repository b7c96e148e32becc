#include "model/column_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hyperschema {
namespace {

struct TypeName {
    const char* name;
    BaseType base;
};

// Canonical names first; aliases are the spellings PostgreSQL itself accepts.
constexpr std::array kTypeNames{
    TypeName{"smallint", BaseType::Smallint},
    TypeName{"integer", BaseType::Integer},
    TypeName{"bigint", BaseType::Bigint},
    TypeName{"real", BaseType::Real},
    TypeName{"double precision", BaseType::DoublePrecision},
    TypeName{"numeric", BaseType::Numeric},
    TypeName{"text", BaseType::Text},
    TypeName{"varchar", BaseType::Varchar},
    TypeName{"boolean", BaseType::Boolean},
    TypeName{"timestamptz", BaseType::Timestamptz},
    TypeName{"timestamp", BaseType::Timestamp},
    TypeName{"date", BaseType::Date},
    TypeName{"interval", BaseType::Interval},
    TypeName{"uuid", BaseType::Uuid},
    TypeName{"jsonb", BaseType::Jsonb},
    TypeName{"json", BaseType::Json},
    TypeName{"bytea", BaseType::Bytea},
    TypeName{"int2", BaseType::Smallint},
    TypeName{"int", BaseType::Integer},
    TypeName{"int4", BaseType::Integer},
    TypeName{"int8", BaseType::Bigint},
    TypeName{"float4", BaseType::Real},
    TypeName{"float8", BaseType::DoublePrecision},
    TypeName{"decimal", BaseType::Numeric},
    TypeName{"character varying", BaseType::Varchar},
    TypeName{"bool", BaseType::Boolean},
    TypeName{"timestamp with time zone", BaseType::Timestamptz},
    TypeName{"timestamp without time zone", BaseType::Timestamp},
};

std::string normalise_spaces(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space && c != '(' && c != ')' && c != ',' && c != '[' && c != ']' && out.back() != '(' && out.back() != ',')
            out += ' ';
        space = false;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// A type modifier: an optionally signed whole number of at most 8 digits
// (varchar's limit, 10485760, has 8).
std::optional<int> parse_modifier(std::string_view s) {
    const bool negative = !s.empty() && s[0] == '-';
    if (negative) s.remove_prefix(1);
    if (s.empty() || s.size() > 8) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
}

// Splits "numeric(12,3)" into name "numeric" and args {"12","3"}.
bool split_modifiers(std::string_view text, std::string& name, std::vector<std::string>& args) {
    auto open = text.find('(');
    if (open == std::string_view::npos) {
        name = std::string(text);
        return true;
    }
    auto close = text.find(')', open);
    if (close == std::string_view::npos) return false;
    // timestamp(3) with time zone: the modifier sits inside the name.
    name = std::string(text.substr(0, open)) + std::string(text.substr(close + 1));
    std::string_view inner = text.substr(open + 1, close - open - 1);
    size_t start = 0;
    while (true) {
        auto comma = inner.find(',', start);
        args.emplace_back(
            inner.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return true;
}

bool apply_modifiers(ColumnType& t, const std::vector<std::string>& args, std::string* error) {
    if (args.empty()) return true;
    if (t.base == BaseType::Varchar) {
        auto n = args.size() == 1 ? parse_modifier(args[0]) : std::nullopt;
        if (!n || *n < 1 || *n > 10485760) {
            *error = "varchar takes one length between 1 and 10485760, as in `varchar(100)`";
            return false;
        }
        t.length = *n;
        return true;
    }
    if (t.base == BaseType::Numeric) {
        // PostgreSQL 15 allows a scale above the precision (numeric(2,4) holds
        // 0.0042) and a negative one (numeric(3,-2) rounds to hundreds).
        auto p = parse_modifier(args[0]);
        auto s = args.size() == 2 ? parse_modifier(args[1]) : std::optional<int>(0);
        if (args.size() > 2 || !p || !s || *p < 1 || *p > 1000 || *s < -1000 || *s > 1000) {
            *error = "numeric takes a precision from 1 to 1000 and a scale from -1000 to 1000, as in `numeric(12,3)`";
            return false;
        }
        t.precision = *p;
        t.scale = *s;
        return true;
    }
    if (t.base == BaseType::Timestamptz || t.base == BaseType::Timestamp) {
        auto p = args.size() == 1 ? parse_modifier(args[0]) : std::nullopt;
        if (!p || *p < 0 || *p > 6) {
            // PostgreSQL would only warn and use 6 ("precision reduced to maximum allowed").
            *error = std::string(t.base == BaseType::Timestamptz ? "timestamptz" : "timestamp") +
                     " takes a precision (fractional digits of seconds) from 0 to 6, as in `" +
                     (t.base == BaseType::Timestamptz ? "timestamptz(3)" : "timestamp(3)") + "`";
            return false;
        }
        t.precision = *p;
        return true;
    }
    *error = "type does not take modifiers in parentheses";
    return false;
}

}  // namespace

std::optional<ColumnType> parse_column_type(std::string_view raw, const std::vector<std::string>& enums,
                                            std::string* error) {
    std::string text = normalise_spaces(raw);
    ColumnType t;
    while (text.size() >= 2 && text.compare(text.size() - 2, 2, "[]") == 0) {
        ++t.array_dims;
        text.resize(text.size() - 2);
        while (!text.empty() && text.back() == ' ') text.pop_back();
    }
    std::string name;
    std::vector<std::string> args;
    if (text.empty() || !split_modifiers(text, name, args)) {
        *error = "malformed type `" + std::string(raw) + "`";
        return std::nullopt;
    }
    while (!name.empty() && name.back() == ' ') name.pop_back();
    auto known = std::find_if(kTypeNames.begin(), kTypeNames.end(), [&](const TypeName& n) { return name == n.name; });
    if (known != kTypeNames.end()) {
        t.base = known->base;
    } else if (std::find(enums.begin(), enums.end(), name) != enums.end()) {
        t.base = BaseType::Enum;
        t.enum_name = name;
    } else {
        *error = "unknown column type `" + std::string(raw) + "`";
        return std::nullopt;
    }
    if (!apply_modifiers(t, args, error)) return std::nullopt;
    return t;
}

std::vector<std::string> known_type_names() {
    std::vector<std::string> out;
    for (const auto& n : kTypeNames) out.emplace_back(n.name);
    return out;
}

std::string ColumnType::sql() const {
    std::string out;
    switch (base) {
        case BaseType::Smallint:
            out = "smallint";
            break;
        case BaseType::Integer:
            out = "integer";
            break;
        case BaseType::Bigint:
            out = "bigint";
            break;
        case BaseType::Real:
            out = "real";
            break;
        case BaseType::DoublePrecision:
            out = "double precision";
            break;
        case BaseType::Numeric:
            out =
                precision < 0 ? "numeric" : "numeric(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
            break;
        case BaseType::Text:
            out = "text";
            break;
        case BaseType::Varchar:
            out = length < 0 ? "varchar" : "varchar(" + std::to_string(length) + ")";
            break;
        case BaseType::Boolean:
            out = "boolean";
            break;
        case BaseType::Timestamptz:
            out = precision < 0 ? "timestamptz" : "timestamptz(" + std::to_string(precision) + ")";
            break;
        case BaseType::Timestamp:
            out = precision < 0 ? "timestamp" : "timestamp(" + std::to_string(precision) + ")";
            break;
        case BaseType::Date:
            out = "date";
            break;
        case BaseType::Interval:
            out = "interval";
            break;
        case BaseType::Uuid:
            out = "uuid";
            break;
        case BaseType::Jsonb:
            out = "jsonb";
            break;
        case BaseType::Json:
            out = "json";
            break;
        case BaseType::Bytea:
            out = "bytea";
            break;
        case BaseType::Enum:
            out = enum_name;
            break;
    }
    for (int i = 0; i < array_dims; ++i) out += "[]";
    return out;
}

bool ColumnType::is_integer() const {
    return array_dims == 0 && (base == BaseType::Smallint || base == BaseType::Integer || base == BaseType::Bigint);
}

bool ColumnType::is_numeric_family() const {
    return array_dims == 0 &&
           (is_integer() || base == BaseType::Real || base == BaseType::DoublePrecision || base == BaseType::Numeric);
}

bool ColumnType::is_text_family() const {
    return array_dims == 0 && (base == BaseType::Text || base == BaseType::Varchar);
}

bool ColumnType::is_time() const {
    return array_dims == 0 && (base == BaseType::Timestamptz || base == BaseType::Timestamp || base == BaseType::Date);
}

ColumnType ColumnType::element() const {
    ColumnType e = *this;
    e.array_dims = 0;
    return e;
}

}  // namespace hyperschema
