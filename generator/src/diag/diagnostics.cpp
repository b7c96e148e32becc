#include "diag/diagnostics.hpp"

#include <algorithm>
#include <sstream>

namespace hyperschema {

// A YAML anchor used twice is read twice: its mistakes are reported once,
// where they are written.
Diagnostic& Diagnostics::add(Severity severity, const SourceLocation& loc, std::string message) {
    for (auto& d : items_) {
        if (d.severity == severity && d.loc.file == loc.file && d.loc.line == loc.line && d.loc.column == loc.column &&
            d.message == message)
            return d;
    }
    items_.push_back({severity, loc, std::move(message), {}});
    return items_.back();
}

Diagnostic& Diagnostics::error(const SourceLocation& loc, std::string message) {
    return add(Severity::Error, loc, std::move(message));
}

Diagnostic& Diagnostics::warning(const SourceLocation& loc, std::string message) {
    return add(Severity::Warning, loc, std::move(message));
}

Diagnostic& Diagnostics::note(const SourceLocation& loc, std::string message) {
    return add(Severity::Note, loc, std::move(message));
}

void Diagnostics::add_note(Diagnostic& d, const SourceLocation& loc, std::string message) {
    d.notes.push_back({Severity::Note, loc, std::move(message), {}});
}

int Diagnostics::error_count() const {
    return static_cast<int>(
        std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

int Diagnostics::warning_count() const {
    return static_cast<int>(std::count_if(items_.begin(), items_.end(),
                                          [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
}

void Diagnostics::promote_warnings() {
    for (auto& d : items_) {
        if (d.severity == Severity::Warning) d.severity = Severity::Error;
    }
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    std::vector<Diagnostic> out = items_;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.loc.file != b.loc.file) return a.loc.file < b.loc.file;
        if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
        return a.loc.column < b.loc.column;
    });
    return out;
}

static const char* severity_word(Severity s) {
    switch (s) {
        case Severity::Error:
            return "error";
        case Severity::Warning:
            return "warning";
        case Severity::Note:
            return "note";
    }
    return "error";
}

// ANSI colours as GCC and Clang use them: the location bold, errors bold
// red, warnings bold magenta, notes bold cyan.
static const char* severity_colour(Severity s) {
    switch (s) {
        case Severity::Error:
            return "\033[1;31m";
        case Severity::Warning:
            return "\033[1;35m";
        case Severity::Note:
            return "\033[1;36m";
    }
    return "";
}

static void format_one(std::ostringstream& out, const Diagnostic& d, bool colour) {
    if (!d.loc.file.empty()) {
        if (colour) out << "\033[1m";
        out << d.loc.file << ':';
        if (d.loc.known()) out << d.loc.line << ':' << d.loc.column << ':';
        if (colour) out << "\033[0m";
        out << ' ';
    }
    if (colour) out << severity_colour(d.severity);
    out << severity_word(d.severity) << ":";
    if (colour) out << "\033[0m";
    out << " " << d.message << '\n';
}

std::string format_diagnostic(const Diagnostic& d, bool colour) {
    std::ostringstream out;
    format_one(out, d, colour);
    for (const auto& n : d.notes) format_one(out, n, colour);
    return out.str();
}

std::string Diagnostics::format(bool colour) const {
    std::string out;
    for (const auto& d : sorted()) out += format_diagnostic(d, colour);
    return out;
}

static size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t substitution = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitution});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    // A suggestion must be a plausible typo: at most a third of the word wrong.
    size_t best_distance = std::max<size_t>(1, (word.size() + 2) / 3) + 1;
    const std::string* best = nullptr;
    for (const auto& c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = &c;
        }
    }
    return best ? " (did you mean " + quoted(*best) + "?)" : "";
}

std::string one_of(const std::vector<std::string>& words) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += (i + 1 == words.size()) ? " or " : ", ";
        out += quoted(words[i]);
    }
    return out;
}

std::string quoted(std::string_view name) {
    return "`" + std::string(name) + "`";
}

}  // namespace hyperschema
