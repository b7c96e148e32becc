#pragma once

// The CLI's commands and options as one table: per-command help
// (`hyperschema migrate up --help`) and the bash and zsh completion scripts
// are written from it. A new command or option is a row here (and its
// handling in main.cpp's parser).

#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::cli {

struct OptionSpec {
    std::string_view name;   // "--out"
    std::string_view value;  // "DIR", or "" for a flag
    std::string_view help;
    std::vector<std::string_view> choices = {};  // the values it takes, for completion
    bool repeatable = false;
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
