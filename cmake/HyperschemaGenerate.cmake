# hyperschema_generate(TARGET <tgt> SCHEMA <schema-dir>
#                      [NAME <name>] [OUT <dir>] [MIGRATIONS <dir>] [SOURCES <n>])
#
# Compiles the schema in <schema-dir> at build time, builds what `hyperschema
# generate` writes into a static library, and links <tgt> with it:
#
#   <OUT>/<NAME>/schema.sql
#   <OUT>/<NAME>/include/<NAME>/schema.hpp          #include "<NAME>/schema.hpp" (every relation)
#   <OUT>/<NAME>/include/<NAME>/tables/<t>.hpp      one header per table, view, aggregate
#   <OUT>/<NAME>/include/<NAME>/migrations.hpp      migrations(), expected_schema()
#   <OUT>/<NAME>/src/<NAME>.cpp                     their definitions: the library hyperschema_schema_<NAME>
#
# The library is named hyperschema_schema_<NAME> (with a suffix when the same NAME is
# also generated into another OUT); targets calling with the same SCHEMA and
# OUT share it.
#
# NAME        the schema's name; default: the directory's name. Pass it when the
#             YAML renames the schema (`schema: {name: x}`): the build fails
#             with the name to pass when it differs.
# OUT         default: ${CMAKE_CURRENT_BINARY_DIR}/hyperschema
# SOURCES     split the definitions into n files (default 1), compiled in
#             parallel; for schemas of hundreds of relations (see the README).
# MIGRATIONS  the checked-in history `hyperschema migrate new` writes, embedded in
#             migrations.hpp; default: ${CMAKE_CURRENT_SOURCE_DIR}/generated/<NAME>/migrations
#             when that directory exists, otherwise none.
#
# The command re-runs when a *.yaml/*.yml file of the schema, a file of the
# migrations directory or the generator itself changes; the generator rewrites
# only files whose content changed, so sources including the headers recompile
# only then. Targets calling with the same SCHEMA and OUT share one generation,
# the custom target hyperschema_generate_<NAME> (with a suffix when the same
# NAME is also generated into another OUT).
#
# The generator is the executable target hyperschema::hyperschema: an alias of
# the `hyperschema` target inside hyperschema's own build (add_subdirectory), the
# imported executable from find_package(hyperschema).

include_guard(GLOBAL)

function(hyperschema_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;SCHEMA;NAME;OUT;MIGRATIONS;SOURCES" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hyperschema_generate: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TARGET OR NOT arg_SCHEMA)
    message(FATAL_ERROR "hyperschema_generate: TARGET and SCHEMA are required")
  endif()
  if(NOT TARGET ${arg_TARGET})
    message(FATAL_ERROR "hyperschema_generate: `${arg_TARGET}` is not a target")
  endif()
  if(NOT TARGET hyperschema::hyperschema)
    message(FATAL_ERROR "hyperschema_generate: the generator hyperschema::hyperschema is not defined; "
                        "use find_package(hyperschema CONFIG REQUIRED) or add_subdirectory(<hyperschema>) first")
  endif()

  cmake_path(ABSOLUTE_PATH arg_SCHEMA BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE OUTPUT_VARIABLE schema_dir)
  if(NOT IS_DIRECTORY "${schema_dir}")
    message(FATAL_ERROR "hyperschema_generate: SCHEMA `${schema_dir}` is not a directory")
  endif()
  file(GLOB yaml_files CONFIGURE_DEPENDS "${schema_dir}/*.yaml" "${schema_dir}/*.yml")
  if(NOT yaml_files)
    message(FATAL_ERROR "hyperschema_generate: no *.yaml or *.yml file in `${schema_dir}`")
  endif()

  if(arg_NAME)
    set(name "${arg_NAME}")
  else()
    # The directory's real name, as the generator takes it; the generator
    # checks it (--expect-name) against what the YAML says.
    file(REAL_PATH "${schema_dir}" real_dir)
    string(REGEX REPLACE "/+$" "" real_dir "${real_dir}")
    cmake_path(GET real_dir FILENAME name)
  endif()

  if(arg_OUT)
    cmake_path(ABSOLUTE_PATH arg_OUT BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE OUTPUT_VARIABLE out)
  else()
    set(out "${CMAKE_CURRENT_BINARY_DIR}/hyperschema")
  endif()

  set(migration_files "")
  if(arg_MIGRATIONS)
    cmake_path(ABSOLUTE_PATH arg_MIGRATIONS BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE
               OUTPUT_VARIABLE migrations)
    if(NOT IS_DIRECTORY "${migrations}")
      message(FATAL_ERROR "hyperschema_generate: MIGRATIONS `${migrations}` is not a directory")
    endif()
  else()
    set(migrations "${CMAKE_CURRENT_SOURCE_DIR}/generated/${name}/migrations")
  endif()
  # Globbed even when the default directory does not exist yet, so the first
  # `hyperschema migrate new` re-runs CMake and the history gets embedded.
  file(GLOB migration_files CONFIGURE_DEPENDS "${migrations}/*")
  if(NOT IS_DIRECTORY "${migrations}")
    set(migrations "")
  endif()

  # One custom command and target per generated directory <OUT>/<NAME>, shared
  # by every target calling with the same OUT.
  set(parts 1)
  if(arg_SOURCES)
    if(NOT arg_SOURCES MATCHES "^[1-9][0-9]?$" OR arg_SOURCES GREATER 64)
      message(FATAL_ERROR "hyperschema_generate: SOURCES takes a number from 1 to 64, not `${arg_SOURCES}`")
    endif()
    set(parts ${arg_SOURCES})
  endif()

  set(include_dir "${out}/${name}/include")
  string(SHA1 key "${out}/${name}")
  get_property(target_name GLOBAL PROPERTY _hyperschema_generate_${key})
  if(target_name)
    get_property(shared_schema GLOBAL PROPERTY _hyperschema_generate_${key}_schema)
    get_property(shared_migrations GLOBAL PROPERTY _hyperschema_generate_${key}_migrations)
    get_property(shared_parts GLOBAL PROPERTY _hyperschema_generate_${key}_parts)
    if(NOT shared_parts EQUAL parts)
      message(FATAL_ERROR "hyperschema_generate: `${out}/${name}` is already generated in ${shared_parts} "
                          "source file(s); pass the same SOURCES (${shared_parts}) or another OUT")
    endif()
    if(NOT shared_schema STREQUAL schema_dir OR NOT shared_migrations STREQUAL migrations)
      foreach(var shared_migrations migrations)
        if(NOT ${var})
          set(${var} "none")
        endif()
      endforeach()
      message(FATAL_ERROR "hyperschema_generate: `${out}/${name}` is already generated from `${shared_schema}` "
                          "(migrations: `${shared_migrations}`); pass another OUT for `${schema_dir}` "
                          "(migrations: `${migrations}`)")
    endif()
  else()
    set(target_name "hyperschema_generate_${name}")
    if(TARGET ${target_name})  # the same schema generated into another OUT
      string(SUBSTRING "${key}" 0 8 suffix)
      string(APPEND target_name "_${suffix}")
    endif()
    set_property(GLOBAL PROPERTY _hyperschema_generate_${key} ${target_name})
    set_property(GLOBAL PROPERTY _hyperschema_generate_${key}_schema "${schema_dir}")
    set_property(GLOBAL PROPERTY _hyperschema_generate_${key}_migrations "${migrations}")
    set_property(GLOBAL PROPERTY _hyperschema_generate_${key}_parts "${parts}")
    set(sources "${out}/${name}/src/${name}.cpp")
    if(parts GREATER 1)
      math(EXPR last "${parts} - 1")
      foreach(part RANGE 1 ${last})
        list(APPEND sources "${out}/${name}/src/${name}_${part}.cpp")
      endforeach()
    endif()
    set(outputs "${out}/${name}/schema.sql" ${sources} "${include_dir}/${name}/migrations.hpp"
                "${include_dir}/${name}/schema.hpp")
    # The headers of each relation depend on the YAML's content: those of the
    # last generation are declared, so that ninja and make see them change; a
    # new one appears in the list at the next build (the glob re-runs CMake).
    file(GLOB byproducts CONFIGURE_DEPENDS "${include_dir}/${name}/enums.hpp" "${include_dir}/${name}/tables/*.hpp"
         "${include_dir}/${name}/views/*.hpp" "${include_dir}/${name}/aggregates/*.hpp")
    set(migrations_args "")
    if(migrations)
      set(migrations_args --migrations "${migrations}")
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      BYPRODUCTS ${byproducts}
      COMMAND "$<TARGET_FILE:hyperschema::hyperschema>" generate "${schema_dir}" --out "${out}" --sources ${parts}
              --expect-name "${name}"
              ${migrations_args}
      DEPENDS ${yaml_files} ${migration_files} "$<TARGET_FILE:hyperschema::hyperschema>"
      COMMENT "hyperschema: generating ${name} into ${out}/${name}"
      VERBATIM)
    add_custom_target(${target_name} DEPENDS ${outputs})
    # The definitions, compiled once for every target that uses the schema.
    string(REPLACE "hyperschema_generate_" "hyperschema_schema_" library "${target_name}")
    add_library(${library} STATIC ${sources})
    target_include_directories(${library} PUBLIC "${include_dir}")
    target_link_libraries(${library} PUBLIC hyperschema::runtime)
    add_dependencies(${library} ${target_name})
    set_property(GLOBAL PROPERTY _hyperschema_generate_${key}_library ${library})
  endif()
  get_property(library GLOBAL PROPERTY _hyperschema_generate_${key}_library)

  get_target_property(type ${arg_TARGET} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    set(scope INTERFACE)
  else()
    set(scope PRIVATE)
  endif()
  target_link_libraries(${arg_TARGET} ${scope} ${library})
  add_dependencies(${arg_TARGET} ${target_name})
endfunction()
