#pragma once

// The CLI's commands and options as one table: per-command help
// (`hyperschema migrate up --help`), the bash and zsh completion scripts and
// the argument parser (cli/arguments.cpp, CLI11) are written from it. A new
// command or option is a row here.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::cli {

struct Options;

// A value an option does not take; the message says what it takes.
struct OptionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Stores an option's value (a flag's is "") in Options; throws OptionError.
using ApplyOption = void (*)(Options&, const std::string& value);

struct OptionSpec {
    std::string_view name;   // "--out"
    std::string_view value;  // "DIR", or "" for a flag
    std::string_view help;
    ApplyOption apply;
    std::vector<std::string_view> choices = {};  // the only values it takes (completed, checked by the parser)
    bool repeatable = false;                     // given again, adds a value (else: refused)
    std::string_view alias = {};                 // "-o", "--colour"
};

struct CommandSpec {
    std::string_view name;      // "migrate up"
    std::string_view synopsis;  // what follows `hyperschema`
    std::string_view summary;
    std::vector<std::string_view> options;  // OptionSpec names it takes (besides --help, --color)
    std::vector<std::string_view> examples;
    bool takes_directories = true;  // DIR arguments (completed as directories)
};

const std::vector<OptionSpec>& option_specs();
const std::vector<CommandSpec>& command_specs();
const OptionSpec* find_option(std::string_view name);
// "migrate up" for argv {"migrate", "up", ...}; nullptr when none matches.
const CommandSpec* find_command(const std::vector<std::string>& words);

std::string command_help(const CommandSpec& command);
// A completion script: `bash` or `zsh`; "" for another shell.
std::string completion_script(std::string_view shell);

}  // namespace hyperschema::cli
