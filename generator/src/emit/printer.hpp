#pragma once

// A tiny printer for generated text, after protobuf's io::Printer: templates
// with $name$ placeholders, variable frames and indentation that undo
// themselves, and a hard failure on a placeholder nobody defined, so a typo in
// an emitter cannot silently produce broken SQL or C++.
//
//   Printer p;
//   auto vars = p.with({{"name", "readings"}, {"type", "row"}});
//   p.emit(R"(
//       std::vector<$type$> all_$name$();
//       void insert_$name$(const $type$& r);
//   )");
//
// emit() takes a raw multi-line template as it sits in the emitter's source:
// the newline after R"( and the indentation common to its lines are dropped,
// so the template reads as the output it makes.

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::emit {

class Printer {
public:
    using Vars = std::map<std::string, std::string, std::less<>>;

    // Prints the template with $name$ replaced by its value ("$$" is a
    // literal $): from `vars`, else from the innermost frame that has it.
    // Each line is indented by the current indentation; a multi-line value
    // continues at the indentation of the line it is inserted into. Throws
    // std::logic_error for an unknown or unterminated placeholder.
    void print(std::string_view tmpl, const Vars& vars = {});

    // print() of a raw multi-line template, dedented (see above).
    void emit(std::string_view raw_template, const Vars& vars = {});

    // Variables every print() sees while the returned object lives.
    class Frame {
    public:
        Frame(Printer& p, Vars vars) : p_(p) { p_.frames_.push_back(std::move(vars)); }
        ~Frame() { p_.frames_.pop_back(); }
        Frame(const Frame&) = delete;
        Frame& operator=(const Frame&) = delete;

    private:
        Printer& p_;
    };
    [[nodiscard]] Frame with(Vars vars) { return Frame(*this, std::move(vars)); }

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
    [[nodiscard]] Indent indent() { return Indent(*this); }

    const std::string& text() const { return out_; }

private:
    void put(char c);
    void put_text(std::string_view text);
    const std::string* lookup(std::string_view name, const Vars& vars) const;

    std::string out_;
    int indent_ = 0;
    bool at_line_start_ = true;
    std::vector<Vars> frames_;
};

// The template of a raw string literal as written in an emitter: without the
// newline that follows R"( and without the indentation its lines share.
std::string dedent(std::string_view raw_template);

}  // namespace hyperschema::emit
