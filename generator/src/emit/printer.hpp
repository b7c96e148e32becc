#pragma once

// A tiny printer for generated text, after protobuf's io::Printer: templates
// with $name$ placeholders, indentation that undoes itself, and a hard failure
// on a placeholder nobody defined, so a typo in an emitter cannot silently
// produce broken SQL or C++.

#include <map>
#include <string>
#include <string_view>

namespace hyperschema::emit {

class Printer {
public:
    using Vars = std::map<std::string, std::string, std::less<>>;

    // Prints the template with $name$ replaced by vars[name] ("$$" is a literal
    // $). Each line is indented by the current indentation; a multi-line value
    // continues at the indentation of the line it is inserted into. Throws
    // std::logic_error for an unknown or unterminated placeholder.
    void print(std::string_view tmpl, const Vars& vars = {});

    // Indents everything printed while the returned object lives.
    class Indent {
    public:
        explicit Indent(Printer& p) : p_(p) { p_.indent_ += 4; }
        ~Indent() { p_.indent_ -= 4; }
        Indent(const Indent&) = delete;
        Indent& operator=(const Indent&) = delete;

    private:
        Printer& p_;
    };
    Indent indent() { return Indent(*this); }

    const std::string& text() const { return out_; }

private:
    void put(char c);

    std::string out_;
    int indent_ = 0;
    bool at_line_start_ = true;
};

}  // namespace hyperschema::emit
