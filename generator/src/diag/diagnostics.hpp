#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "diag/source_location.hpp"

namespace hyperschema {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourceLocation loc;
    std::string message;
    // Notes print right after their diagnostic ("note: first defined here").
    std::vector<Diagnostic> notes;
};

// Collects every problem of a run so that one invocation reports them all,
// the way a compiler does, instead of stopping at the first.
class Diagnostics {
public:
    Diagnostic& error(const SourceLocation& loc, std::string message);
    Diagnostic& warning(const SourceLocation& loc, std::string message);
    // What the compiler cannot judge and says once rather than not at all;
    // it fails nothing.
    Diagnostic& note(const SourceLocation& loc, std::string message);
    static void add_note(Diagnostic& d, const SourceLocation& loc, std::string message);

    const std::vector<Diagnostic>& all() const { return items_; }
    int error_count() const;
    int warning_count() const;
    bool has_errors() const { return error_count() > 0; }

    // Warnings become errors (the CLI's --werror).
    void promote_warnings();

    // Stable order for output: by file, line, column, then insertion order.
    std::vector<Diagnostic> sorted() const;

    // GCC style: "path:line:col: error: message", one per line, notes after;
    // with `colour`, in GCC's ANSI colours (for a terminal).
    std::string format(bool colour = false) const;

private:
    Diagnostic& add(Severity severity, const SourceLocation& loc, std::string message);

    std::vector<Diagnostic> items_;
};

std::string format_diagnostic(const Diagnostic& d, bool colour = false);

// " (did you mean `x`?)" for the candidate closest to `word`, or "" when none
// is close enough to be a plausible typo.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "`a`, `b` or `c`"
std::string one_of(const std::vector<std::string>& words);

// Backtick-quotes a name for messages.
std::string quoted(std::string_view name);

}  // namespace hyperschema
