#include "model/column_type.hpp"

#include <algorithm>
#include <cctype>

#include "catalog/column_types.hpp"

namespace hyperschema {
namespace {

using catalog::Modifier;
using catalog::traits_of;
using catalog::TypeCategory;

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

bool apply_length(ColumnType& t, const std::vector<std::string>& args, std::string* error) {
    const auto& traits = traits_of(t.base);
    auto n = args.size() == 1 ? parse_modifier(args[0]) : std::nullopt;
    if (!n || *n < 1 || *n > traits.modifier_max) {
        *error = std::string(traits.name) + " takes one length between 1 and " + std::to_string(traits.modifier_max) +
                 ", as in `" + std::string(traits.example) + "`";
        return false;
    }
    t.length = *n;
    return true;
}

bool apply_precision_scale(ColumnType& t, const std::vector<std::string>& args, std::string* error) {
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

bool apply_fractional(ColumnType& t, const std::vector<std::string>& args, std::string* error) {
    const auto& traits = traits_of(t.base);
    auto p = args.size() == 1 ? parse_modifier(args[0]) : std::nullopt;
    if (!p || *p < 0 || *p > traits.modifier_max) {
        // PostgreSQL would only warn and use 6 ("precision reduced to maximum allowed").
        *error = std::string(traits.name) + " takes a precision (fractional digits of seconds) from 0 to " +
                 std::to_string(traits.modifier_max) + ", as in `" + std::string(traits.example) + "`";
        return false;
    }
    t.precision = *p;
    return true;
}

// geometry(Point), geometry(MultiPolygonZ, 4326): PostGIS's shape names in
// its own capitalisation, a Z, M or ZM suffix, and an SRID; geography's is
// 4326 unless given, geometry's 0 (none) as the server prints them.
bool apply_shape(ColumnType& t, const std::vector<std::string>& args, std::string* error) {
    static const char* const kShapes[] = {"Geometry",       "Point",
                                          "LineString",     "Polygon",
                                          "MultiPoint",     "MultiLineString",
                                          "MultiPolygon",   "GeometryCollection",
                                          "CircularString", "CompoundCurve",
                                          "CurvePolygon",   "MultiCurve",
                                          "MultiSurface",   "PolyhedralSurface",
                                          "Triangle",       "Tin"};
    const std::string written = args[0];
    std::string lower = written;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* suffix : {"", "z", "m", "zm"}) {
        for (const char* shape : kShapes) {
            std::string candidate = shape;
            for (auto& c : candidate) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (candidate + suffix != lower) continue;
            std::string upper_suffix = suffix;
            for (auto& c : upper_suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            t.shape = std::string(shape) + upper_suffix;
        }
    }
    if (t.shape.empty()) {
        *error = "`" + written +
                 "` is not a PostGIS shape; use Point, LineString, Polygon, MultiPoint, "
                 "MultiLineString, MultiPolygon, GeometryCollection or Geometry, with Z, M or ZM for more "
                 "dimensions, as in `" +
                 std::string(traits_of(t.base).example) + "`";
        return false;
    }
    if (args.size() > 2 ||
        (args.size() == 2 &&
         (args[1].empty() || args[1].find_first_not_of("0123456789") != std::string::npos || args[1].size() > 6))) {
        *error = "a PostGIS type takes a shape and an SRID (a whole number such as 4326), as in `" +
                 std::string(traits_of(t.base).example) + "`";
        return false;
    }
    t.srid = args.size() == 2 ? std::stoi(args[1]) : -1;
    if (t.base == BaseType::Geography && t.srid < 0) t.srid = 4326;
    if (t.srid == 0) t.srid = -1;
    if (t.shape == "Geometry" && t.srid < 0) t.shape.clear();  // geometry(Geometry) is plain geometry
    return true;
}

bool apply_modifiers(ColumnType& t, const std::string& name, const std::vector<std::string>& args, std::string* error) {
    const auto& traits = traits_of(t.base);
    if (args.empty()) {
        if (name != traits.unbounded_name) t.length = traits.default_length;
        return true;
    }
    switch (traits.modifier) {
        case Modifier::Length:
            return apply_length(t, args, error);
        case Modifier::PrecisionScale:
            return apply_precision_scale(t, args, error);
        case Modifier::Fractional:
            return apply_fractional(t, args, error);
        case Modifier::Shape:
            return apply_shape(t, args, error);
        case Modifier::None:
            break;
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
    if (const catalog::TypeTraits* known = catalog::find_type(name)) {
        t.base = known->base;
    } else if (std::find(enums.begin(), enums.end(), name) != enums.end()) {
        t.base = BaseType::Enum;
        t.enum_name = name;
    } else {
        *error = "unknown column type `" + std::string(raw) + "`";
        return std::nullopt;
    }
    if (!apply_modifiers(t, name, args, error)) return std::nullopt;
    return t;
}

std::vector<std::string> known_type_names() {
    return catalog::type_spellings();
}

std::string ColumnType::modifier_sql() const {
    switch (traits_of(base).modifier) {
        case Modifier::Length:
            return length < 0 ? "" : "(" + std::to_string(length) + ")";
        case Modifier::PrecisionScale:
            return precision < 0 ? "" : "(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
        case Modifier::Fractional:
            return precision < 0 ? "" : "(" + std::to_string(precision) + ")";
        case Modifier::Shape:
            if (shape.empty() && srid < 0) return "";
            return "(" + (shape.empty() ? std::string("Geometry") : shape) +
                   (srid < 0 ? "" : "," + std::to_string(srid)) + ")";
        case Modifier::None:
            break;
    }
    return "";
}

// The name to write before the modifier: bpchar for a char without a length.
static std::string_view spelled_name(const ColumnType& t, std::string_view name) {
    const auto& traits = traits_of(t.base);
    if (traits.modifier == Modifier::Length && t.length < 0 && !traits.unbounded_name.empty())
        return traits.unbounded_name;
    return name;
}

// A domain's name, with the column's array brackets.
static std::string domain_sql(const ColumnType& t) {
    std::string out = t.domain;
    for (int i = 0; i < t.array_dims; ++i) out += "[]";
    return out;
}

std::string ColumnType::sql() const {
    if (!domain.empty()) return domain_sql(*this);
    std::string out =
        base == BaseType::Enum ? enum_name : std::string(spelled_name(*this, traits_of(base).name)) + modifier_sql();
    for (int i = 0; i < array_dims; ++i) out += "[]";
    return out;
}

std::string ColumnType::catalog_sql() const {
    if (!domain.empty()) return domain_sql(*this);
    const auto& traits = traits_of(base);
    std::string out = base == BaseType::Enum ? enum_name
                                             : std::string(spelled_name(*this, traits.catalog_name)) + modifier_sql() +
                                                   std::string(traits.catalog_suffix);
    for (int i = 0; i < array_dims; ++i) out += "[]";
    return out;
}

std::string ColumnType::message_name() const {
    if (!domain.empty()) return domain_sql(*this);
    const auto& traits = traits_of(base);
    std::string out =
        base == BaseType::Enum ? enum_name : std::string(traits.catalog_name) + std::string(traits.catalog_suffix);
    for (int i = 0; i < array_dims; ++i) out += "[]";
    return out;
}

bool ColumnType::is_integer() const {
    return array_dims == 0 && traits_of(base).category == TypeCategory::Integer;
}

bool ColumnType::is_numeric_family() const {
    if (array_dims != 0) return false;
    const auto category = traits_of(base).category;
    return category == TypeCategory::Integer || category == TypeCategory::Float || category == TypeCategory::Numeric;
}

bool ColumnType::is_text_family() const {
    return array_dims == 0 && traits_of(base).category == TypeCategory::Text;
}

bool ColumnType::is_time() const {
    return array_dims == 0 && traits_of(base).time_dimension;
}

ColumnType ColumnType::element() const {
    ColumnType e = *this;
    e.array_dims = 0;
    return e;
}

}  // namespace hyperschema
