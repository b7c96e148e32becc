#include "emit/cpp_names.hpp"

#include "catalog/column_types.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

namespace hyperschema::emit {
namespace {

constexpr std::array<std::string_view, 92> kKeywords = {
    "alignas",     "alignof",   "and",        "and_eq",    "asm",      "auto",         "bitand",
    "bitor",       "bool",      "break",      "case",      "catch",    "char",         "char8_t",
    "char16_t",    "char32_t",  "class",      "compl",     "concept",  "const",        "consteval",
    "constexpr",   "constinit", "const_cast", "continue",  "co_await", "co_return",    "co_yield",
    "decltype",    "default",   "delete",     "do",        "double",   "dynamic_cast", "else",
    "enum",        "explicit",  "export",     "extern",    "false",    "float",        "for",
    "friend",      "goto",      "if",         "inline",    "int",      "long",         "mutable",
    "namespace",   "new",       "noexcept",   "not",       "not_eq",   "nullptr",      "operator",
    "or",          "or_eq",     "private",    "protected", "public",   "register",     "reinterpret_cast",
    "requires",    "return",    "short",      "signed",    "sizeof",   "static",       "static_assert",
    "static_cast", "struct",    "switch",     "template",  "this",     "thread_local", "throw",
    "true",        "try",       "typedef",    "typeid",    "typename", "union",        "unsigned",
    "using",       "virtual",   "void",       "volatile",  "wchar_t",  "while",        "xor",
    "xor_eq",
};

}  // namespace

std::string cpp_identifier(const std::string& name) {
    const bool keyword = std::find(kKeywords.begin(), kKeywords.end(), name) != kKeywords.end();
    // Also `row`, which the generated code names inside a table's namespace,
    // and the namespaces its types are spelled with: a member named `std`
    // would hide std:: from the members declared after it.
    const bool taken = name == "row" || name == "std" || name == "pqxx" || name == "hyperschema";
    return keyword || taken ? name + "_" : name;
}

std::string cpp_scope_name(const std::string& name) {
    if (name == "migrations" || name == "expected_schema" || name == "to_string") return name + "_";
    return cpp_identifier(name);
}

std::vector<std::string> cpp_enumerators(const std::vector<std::string>& labels) {
    std::vector<std::string> out;
    std::set<std::string> taken;
    for (const auto& label : labels) {
        std::string id;
        for (unsigned char c : label) {
            const bool word = std::isalnum(c) || c == '_';
            id += word && c < 0x80 ? static_cast<char>(std::tolower(c)) : '_';
        }
        if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "v_" + id;
        id = cpp_identifier(id);
        std::string unique = id;
        for (int n = 2; taken.count(unique); ++n) unique = id + "_" + std::to_string(n);
        taken.insert(unique);
        out.push_back(unique);
    }
    return out;
}

std::string cpp_value_type(const ColumnType& type, const std::string& enum_scope) {
    std::string base = type.base == BaseType::Enum ? enum_scope + cpp_scope_name(type.enum_name)
                                                   : std::string(catalog::traits_of(type.base).cpp_type);
    for (int i = 0; i < type.array_dims; ++i) base = "std::vector<" + base + ">";
    return base;
}

std::string cpp_field_type(const ColumnType& type, bool nullable, const std::string& enum_scope) {
    const std::string value = cpp_value_type(type, enum_scope);
    return nullable ? "std::optional<" + value + ">" : value;
}

}  // namespace hyperschema::emit
