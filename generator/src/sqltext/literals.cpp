#include "sqltext/literals.hpp"

#include <cctype>

namespace hyperschema::sqltext {
namespace {

bool digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Advances i over digits; returns how many there were.
size_t skip_digits(std::string_view text, size_t& i) {
    size_t start = i;
    while (i < text.size() && digit(text[i])) ++i;
    return i - start;
}

}  // namespace

bool is_integer_literal(std::string_view text) {
    size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    return skip_digits(text, i) > 0 && i == text.size();
}

bool is_number_literal(std::string_view text) {
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") return true;
    size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    size_t whole = skip_digits(text, i);
    size_t fraction = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        fraction = skip_digits(text, i);
    }
    if (whole + fraction == 0) return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        if (skip_digits(text, i) == 0) return false;
    }
    return i == text.size();
}

bool is_uuid_literal(std::string_view text) {
    if (text.size() != 36) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    return true;
}

bool starts_with_call(std::string_view text) {
    size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size() || !(std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_')) return false;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    return i < text.size() && text[i] == '(';
}

}  // namespace hyperschema::sqltext
