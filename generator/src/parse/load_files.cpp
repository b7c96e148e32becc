#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "parse/schema_parser.hpp"

namespace hyperschema::parse {

namespace fs = std::filesystem;

// The commonest YAML trap in our DSL: `?` (a nullable type) inside a flow
// mapping `{...}` is YAML syntax, not text.
// What yaml-cpp's message leaves out, and where the mistake really is when
// the parser noticed it later (a tab, a quote never closed).
struct SyntaxHint {
    std::string text;
    std::optional<SourceLocation> loc;
};

static SyntaxHint syntax_hint(const std::string& path, const std::string& text, const YAML::ParserException& e) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    const size_t error_line = std::min(static_cast<size_t>(std::max(e.mark.line, 0)), lines.size());
    for (size_t i = 0; i <= error_line && i < lines.size(); ++i) {
        const size_t indent_end = lines[i].find_first_not_of(" \t");
        const size_t tab = lines[i].find('\t');
        if (tab != std::string::npos && (indent_end == std::string::npos || tab < indent_end)) {
            return {"; YAML does not allow a tab in indentation: indent with spaces",
                    SourceLocation{path, static_cast<int>(i) + 1, static_cast<int>(tab) + 1}};
        }
    }
    // A quote opened in a value and never closed swallows the rest of the
    // file: the parser stops at its end.
    const bool at_end = static_cast<size_t>(e.mark.line) + 1 >= lines.size();
    for (size_t i = 0; at_end && i < lines.size(); ++i) {
        const std::string& line = lines[i];
        for (char quote : {'\'', '"'}) {
            const size_t open = line.find(std::string(": ") + quote);
            if (open == std::string::npos) continue;
            size_t close = open + 2;
            bool closed = false;
            while ((close = line.find(quote, close + 1)) != std::string::npos) {
                if (quote == '\'' && close + 1 < line.size() && line[close + 1] == '\'') {
                    ++close;  // '' is an escaped quote
                    continue;
                }
                if (quote == '"' && line[close - 1] == '\\') continue;
                closed = true;
                break;
            }
            if (!closed && static_cast<int>(i) < e.mark.line) {
                return {std::string("; the ") + (quote == '"' ? "double " : "") + "quote opened here is never closed",
                        SourceLocation{path, static_cast<int>(i) + 1, static_cast<int>(open) + 3}};
            }
        }
    }
    const std::string& line = error_line < lines.size() ? lines[error_line] : std::string();
    if (e.msg == "unknown token" && line.find('?') != std::string::npos && line.find('{') != std::string::npos) {
        return {"; inside a flow mapping `{...}` quote a nullable type, e.g. `{value: \"real?\"}`", std::nullopt};
    }
    if (e.msg == "end of map flow not found" && line.find('{') != std::string::npos) {
        return {"; separate the keys of a flow mapping with commas, e.g. `{type: bigint, nullable: true}`",
                std::nullopt};
    }
    return {};
}

namespace {

// Aliases let a few bytes stand for a huge document ("billion laughs"):
// yaml-cpp shares an aliased node, but the parser and the validator visit it
// once per alias. Measures what the aliases add as the bytes of YAML it would
// take to write them out (each node's text plus a little punctuation), an
// alias inside an aliased node as often as it is reached, and keeps where the
// total passed kLimit.
class AliasExpansion : public YAML::EventHandler {
public:
    static constexpr uint64_t kLimit = 512 * 1024;

    const std::optional<YAML::Mark>& too_large() const { return too_large_; }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { node(anchor, kNode); }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
        node(anchor, kNode + value.size());
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto it = sizes_.find(anchor);  // absent while the anchored node is still open
        uint64_t size = it == sizes_.end() ? 0 : it->second;
        added_ = std::min(added_ + size, kLimit + 1);
        if (added_ > kLimit && !too_large_) too_large_ = mark;
        count(size);
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open_.push_back({anchor, kNode});
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
        open_.push_back({anchor, kNode});
    }
    void OnMapEnd() override { close(); }

private:
    static constexpr uint64_t kNode = 4;  // punctuation and indentation around a node

    void count(uint64_t size) {
        if (!open_.empty()) open_.back().second = std::min(open_.back().second + size, kLimit + 1);
    }
    void node(YAML::anchor_t anchor, uint64_t size) {
        if (anchor != YAML::NullAnchor) sizes_[anchor] = size;
        count(size);
    }
    void close() {
        auto [anchor, size] = open_.back();
        open_.pop_back();
        node(anchor, size);
    }

    std::vector<std::pair<YAML::anchor_t, uint64_t>> open_;  // collections being read: anchor, size so far
    std::map<YAML::anchor_t, uint64_t> sizes_;
    uint64_t added_ = 0;
    std::optional<YAML::Mark> too_large_;
};

// Where the content of a document starts, if it has any: used on a file's
// second document, which yaml-cpp's Load would drop without a word. An empty
// one (a trailing `---`) has only a null node and loses nothing.
class DocumentContent : public YAML::EventHandler {
public:
    const std::optional<YAML::Mark>& start() const { return start_; }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
        seen(mark);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { seen(mark); }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        seen(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        seen(mark);
    }
    void OnMapEnd() override {}

private:
    void seen(const YAML::Mark& mark) {
        if (!start_) start_ = mark;
    }

    std::optional<YAML::Mark> start_;
};

}  // namespace

namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
size_t utf8_sequence(const std::string& text, size_t i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || i + length > text.size()) return 0;
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    }
    if (lead == 0xE0 && byte(i + 1) < 0xA0) return 0;  // overlong
    if (lead == 0xED && byte(i + 1) > 0x9F) return 0;  // surrogates
    if (lead == 0xF0 && byte(i + 1) < 0x90) return 0;  // overlong
    if (lead == 0xF4 && byte(i + 1) > 0x8F) return 0;  // past U+10FFFF
    return length;
}

// PostgreSQL (UTF8 databases) and the YAML we write back both need valid
// UTF-8 text without NUL bytes; yaml-cpp accepts either silently.
bool check_text(const std::string& path, const std::string& text, Diagnostics& diags) {
    int line = 1, column = 1;
    for (size_t i = 0; i < text.size();) {
        size_t length = text[i] == '\0' ? 0 : utf8_sequence(text, i);
        if (length == 0) {
            diags.error({path, line, column}, text[i] == '\0' ? "the file contains a NUL byte"
                                                              : "the file is not valid UTF-8 here; save it as UTF-8");
            return false;
        }
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        i += length;
    }
    return true;
}

}  // namespace

SourceFile load_yaml_text(const std::string& path, const std::string& text, Diagnostics& diags) {
    SourceFile file{path, YAML::Node()};
    if (!check_text(path, text, diags)) return file;
    try {
        file.root = YAML::Load(text);
        std::istringstream in(text);
        YAML::Parser parser(in);
        AliasExpansion aliases;
        parser.HandleNextDocument(aliases);
        if (const auto& mark = aliases.too_large()) {
            diags.error({path, mark->line + 1, mark->column + 1},
                        "YAML aliases expand this file by more than " + std::to_string(AliasExpansion::kLimit / 1024) +
                            " KiB; write the repeated parts out instead of nesting aliases");
            file.root = YAML::Node();
        }
        DocumentContent second;
        if (parser.HandleNextDocument(second) && second.start()) {
            diags.error({path, second.start()->line + 1, second.start()->column + 1},
                        "a second YAML document in this file (after `---`); hyperschema reads one document per "
                        "file: move it into a .yaml file of its own in the schema directory");
            file.root = YAML::Node();
        }
    } catch (const YAML::ParserException& e) {
        const SyntaxHint hint = syntax_hint(path, text, e);
        diags.error(hint.loc.value_or(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}),
                    "YAML syntax error: " + e.msg + hint.text);
        file.root = YAML::Node();
    } catch (const YAML::Exception& e) {
        diags.error({path, 0, 0}, std::string("YAML error: ") + e.what());
        file.root = YAML::Node();
    }
    return file;
}

std::vector<SourceFile> load_schema_files(const std::string& dir, Diagnostics& diags, bool* io_error) {
    std::vector<fs::path> paths;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto ext = it->path().extension();
        if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) paths.push_back(it->path());
    }
    if (ec) {
        diags.error({dir, 0, 0}, "cannot read schema directory: " + ec.message());
        *io_error = true;
        return {};
    }
    std::sort(paths.begin(), paths.end());
    std::vector<SourceFile> files;
    for (const auto& path : paths) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in && !in.eof()) {
            diags.error({path.string(), 0, 0}, "cannot read file");
            *io_error = true;
            continue;
        }
        files.push_back(load_yaml_text(path.lexically_normal().string(), text.str(), diags));
    }
    return files;
}

}  // namespace hyperschema::parse
