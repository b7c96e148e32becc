#include "emit/printer.hpp"

#include <algorithm>
#include <stdexcept>

namespace hyperschema::emit {

void Printer::put(char c) {
    if (c == '\n') {
        out_ += '\n';
        at_line_start_ = true;
        return;
    }
    if (at_line_start_) {
        out_.append(static_cast<size_t>(indent_), ' ');
        at_line_start_ = false;
    }
    out_ += c;
}

const std::string* Printer::lookup(std::string_view name, const Vars& vars) const {
    if (auto v = vars.find(name); v != vars.end()) return &v->second;
    for (auto frame = frames_.rbegin(); frame != frames_.rend(); ++frame)
        if (auto v = frame->find(name); v != frame->end()) return &v->second;
    return nullptr;
}

// Text without placeholders, a line at a time.
void Printer::put_text(std::string_view text) {
    while (!text.empty()) {
        if (text.front() == '\n') {
            put('\n');
            text.remove_prefix(1);
            continue;
        }
        if (at_line_start_) put(text.front()), text.remove_prefix(1);
        const size_t end = std::min(text.find('\n'), text.size());
        out_.append(text.substr(0, end));
        text.remove_prefix(end);
    }
}

void Printer::print(std::string_view tmpl, const Vars& vars) {
    for (size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '$') {
            const size_t end = std::min(tmpl.find('$', i), tmpl.size());
            put_text(tmpl.substr(i, end - i));
            i = end - 1;
            continue;
        }
        size_t end = tmpl.find('$', i + 1);
        if (end == std::string_view::npos) {
            throw std::logic_error("unterminated $placeholder in template: " + std::string(tmpl));
        }
        std::string_view name = tmpl.substr(i + 1, end - i - 1);
        i = end;
        if (name.empty()) {
            put('$');
            continue;
        }
        const std::string* value = lookup(name, vars);
        if (value == nullptr) {
            throw std::logic_error("unknown placeholder $" + std::string(name) + "$ in template: " + std::string(tmpl));
        }
        put_text(*value);
    }
}

void Printer::emit(std::string_view raw_template, const Vars& vars) {
    print(dedent(raw_template), vars);
}

std::string dedent(std::string_view t) {
    if (!t.empty() && t.front() == '\n') t.remove_prefix(1);
    // The closing )" sits on a line of its own, indented like the template.
    const size_t last_newline = t.find_last_of('\n');
    if (last_newline != std::string_view::npos && t.find_first_not_of(' ', last_newline + 1) == std::string_view::npos)
        t = t.substr(0, last_newline + 1);
    size_t common = std::string_view::npos;
    for (size_t start = 0; start < t.size();) {
        size_t end = t.find('\n', start);
        if (end == std::string_view::npos) end = t.size();
        const std::string_view line = t.substr(start, end - start);
        const size_t spaces = line.find_first_not_of(' ');
        if (spaces != std::string_view::npos && spaces < common) common = spaces;  // blank lines do not count
        start = end + 1;
    }
    if (common == std::string_view::npos) common = 0;
    std::string out;
    for (size_t start = 0; start < t.size();) {
        size_t end = t.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = t.size();
        const std::string_view line = t.substr(start, end - start);
        if (line.size() > common) out += line.substr(common);
        if (!last) out += '\n';
        start = end + 1;
    }
    return out;
}

}  // namespace hyperschema::emit
