#include "cli/arguments.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

#include "cli/commands.hpp"

namespace hyperschema::cli {
namespace {

// "a, b or c".
std::string listed(const std::vector<std::string_view>& words) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i)
        out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + std::string(words[i]);
    return out;
}

// The option's row, as CLI11 sees it: its names, its value's count, and a
// callback that checks the value against the row's choices and stores it.
void add_option(CLI::App& app, const OptionSpec& spec, Options& options) {
    const std::string names =
        std::string(spec.alias.empty() ? "" : std::string(spec.alias) + ",") + std::string(spec.name);
    if (spec.value.empty()) {
        app.add_flag_callback(
            names, [&spec, &options] { spec.apply(options, ""); }, std::string(spec.help));
        return;
    }
    CLI::callback_t store = [&spec, &options](const CLI::results_t& values) {
        for (const auto& v : values) {
            if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end())
                throw CLI::ValidationError(std::string(spec.name) + " takes " + listed(spec.choices));
            try {
                spec.apply(options, v);
            } catch (const OptionError& e) {
                throw CLI::ValidationError(e.what());
            }
        }
        return true;
    };
    CLI::Option* option = app.add_option(names, store, std::string(spec.help));
    option->type_size(1);
    option->expected(1);
    option->multi_option_policy(spec.repeatable ? CLI::MultiOptionPolicy::TakeAll : CLI::MultiOptionPolicy::Throw);
}

// The words of argv that name the command: the first two that are neither an
// option nor an option's value (`--out DIR`; `--out=DIR` is one word).
std::vector<size_t> command_word_positions(const std::vector<std::string>& words) {
    std::vector<size_t> positions;
    for (size_t i = 0; i < words.size() && positions.size() < 2; ++i) {
        const std::string& w = words[i];
        if (w.empty() || w[0] != '-') {
            positions.push_back(i);
            continue;
        }
        const OptionSpec* option = find_option(w);
        if (option == nullptr)
            for (const auto& o : option_specs())
                if (o.alias == w) option = &o;
        if (option != nullptr && !option->value.empty()) ++i;  // its value
    }
    return positions;
}

// "new, up, down, status or baseline": the second words after `first`.
std::string second_words(const std::string& first) {
    std::vector<std::string_view> seconds;
    for (const auto& c : command_specs())
        if (c.name.size() > first.size() && c.name.substr(0, first.size() + 1) == first + " ")
            seconds.push_back(c.name.substr(first.size() + 1));
    return listed(seconds);
}

// The command, or what is wrong with its words. `consumed` gets the positions
// of the words that named it.
const CommandSpec* command_named(const std::vector<std::string>& words, std::vector<size_t>& consumed,
                                 std::optional<ArgumentProblem>& problem) {
    const std::vector<size_t> positions = command_word_positions(words);
    if (positions.empty()) {
        problem = ArgumentProblem{"missing command", true};
        return nullptr;
    }
    std::vector<std::string> named;
    for (size_t p : positions) named.push_back(words[p]);
    const CommandSpec* command = find_command(named);
    const std::string seconds = second_words(named[0]);
    if (command == nullptr && !seconds.empty()) {
        problem = ArgumentProblem{"`" + named[0] + "` takes " + seconds + " (e.g. `hyperschema " + named[0] + " " +
                                  seconds.substr(0, seconds.find(',')) + " --help`)"};
        return nullptr;
    }
    if (command == nullptr) {
        problem = ArgumentProblem{"unknown command `" + named[0] + "`", true};
        return nullptr;
    }
    consumed.assign(positions.begin(), positions.begin() + (seconds.empty() ? 1 : 2));
    return command;
}

// What is wrong with words CLI11 left over (none taken by the command).
std::string leftover_problem(const std::string& command, const std::vector<std::string>& left) {
    for (const auto& word : left) {
        if (word.empty() || word[0] != '-') continue;
        const std::string name = word.substr(0, word.find('='));
        const bool known = std::any_of(option_specs().begin(), option_specs().end(),
                                       [&](const OptionSpec& o) { return o.name == name || o.alias == name; });
        if (!known) return "unknown option " + name;
        if (command.empty()) return name + " belongs after a command";
        return "`" + command + "` does not take " + name + " (its options: hyperschema " + command + " --help)";
    }
    return "";
}

// CLI11's errors, in our words where the option is named.
std::string translated(const CLI::ParseError& e) {
    const std::string message = e.what();
    const std::string option = message.substr(0, message.find(':'));
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
        if (message.find("missing") != std::string::npos) return option + " needs a value";
        return option + " is given more than once; give it once";
    }
    return message;
}

}  // namespace

std::optional<ArgumentProblem> parse_arguments(int argc, const char* const* argv, Options& options) {
    const std::vector<std::string> words(argv + 1, argv + argc);
    std::vector<size_t> consumed;
    std::optional<ArgumentProblem> problem;
    const CommandSpec* command = command_named(words, consumed, problem);
    if (command == nullptr) return problem;

    // The command's own parser: its options, --color, --help, and its words.
    CLI::App app{"hyperschema " + std::string(command->name)};
    app.set_help_flag();
    app.allow_extras();
    for (auto name : command->options) add_option(app, *find_option(name), options);
    for (auto name : {"--color", "--help"}) add_option(app, *find_option(name), options);
    std::vector<std::string> positionals;
    app.add_option("arguments", positionals);
    std::vector<std::string> rest;  // CLI11 reads its vector from the back
    for (size_t i = words.size(); i-- > 0;)
        if (std::find(consumed.begin(), consumed.end(), i) == consumed.end()) rest.push_back(words[i]);
    try {
        app.parse(rest);
    } catch (const CLI::ParseError& e) {
        return ArgumentProblem{translated(e)};
    }
    const std::string name(command->name);
    if (std::string left = leftover_problem(name, app.remaining()); !left.empty()) return ArgumentProblem{left};
    options.command = name.substr(0, name.find(' '));
    options.args.clear();
    if (consumed.size() == 2) options.args.push_back(words[consumed[1]]);
    options.args.insert(options.args.end(), positionals.begin(), positionals.end());
    return std::nullopt;
}

}  // namespace hyperschema::cli
