#include "emit/printer.hpp"

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

void Printer::print(std::string_view tmpl, const Vars& vars) {
    for (size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '$') {
            put(tmpl[i]);
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
        auto value = vars.find(name);
        if (value == vars.end()) {
            throw std::logic_error("unknown placeholder $" + std::string(name) + "$ in template: " + std::string(tmpl));
        }
        for (char c : value->second) put(c);
    }
}

}  // namespace hyperschema::emit
