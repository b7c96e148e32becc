# The `consumer` test: hyperschema used by another CMake project, both ways.
#
#   cmake -DHYPERSCHEMA_SOURCE=<src> -DWORK=<dir> -DNINJA=<ninja> -DCXX=<c++> -P run_consumers.cmake
#
# 1. add-subdirectory: build add-subdirectory/, which adds hyperschema's sources
#    (with HYPERSCHEMA_INSTALL=ON, so the generator is compiled once per run).
# 2. find-package: `cmake --install` that build into a fresh WORK/prefix and
#    build find-package/ against it with -DCMAKE_PREFIX_PATH=WORK/prefix.
#
# Each consumer compiles with -Werror, runs, and is built again to check the
# build is incremental: a second build does nothing; a newer generator re-runs
# the generation, which leaves the headers alone, so nothing recompiles.
# The build directories are kept between runs (CMake's cache is dropped, so
# each run configures afresh), so a rerun does not compile the generator again.

cmake_minimum_required(VERSION 3.21)

foreach(var HYPERSCHEMA_SOURCE WORK NINJA CXX)
  if(NOT ${var})
    message(FATAL_ERROR "run_consumers.cmake: pass -D${var}=...")
  endif()
endforeach()
set(here "${CMAKE_CURRENT_LIST_DIR}")

# Plain inner builds: no build type (no optimizer, fast to compile), no
# sanitizer or other flags from the environment.
unset(ENV{CXXFLAGS})
unset(ENV{LDFLAGS})
unset(ENV{CMAKE_PREFIX_PATH})
set(common_args -G Ninja -DCMAKE_MAKE_PROGRAM=${NINJA} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=)

# Runs a command; fails the test with its output unless it succeeds. The
# output is left in `output`.
function(run what)
  message(STATUS "consumer: ${what}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "consumer: ${what} failed (${rc}):\n${command}\n${out}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

# Every up migration of the history the consumers embed.
file(GLOB ups "${HYPERSCHEMA_SOURCE}/generated/heatpump/migrations/*.up.sql")
list(LENGTH ups migration_count)

# Configures (afresh), builds, runs and rebuilds one consumer.
function(check_consumer name build)
  file(REMOVE "${build}/CMakeCache.txt")
  file(REMOVE_RECURSE "${build}/hyperschema/heatpump")  # generate again
  run("${name}: configure" ${CMAKE_COMMAND} -S ${here}/${name} -B ${build} ${common_args}
      -DHYPERSCHEMA_SOURCE=${HYPERSCHEMA_SOURCE} ${ARGN})
  run("${name}: build" ${CMAKE_COMMAND} --build ${build})
  if(NOT output MATCHES "hyperschema: generating heatpump")
    message(FATAL_ERROR "consumer: ${name}: the first build did not generate heatpump\n${output}")
  endif()
  set(header "${build}/hyperschema/heatpump/include/heatpump/migrations.hpp")
  if(NOT EXISTS "${header}")
    message(FATAL_ERROR "consumer: ${name}: ${header} was not generated")
  endif()
  run("${name}: run" ${build}/consumer)
  if(NOT output MATCHES "^schema heatpump: ${migration_count} migrations, version ${migration_count}; readings has")
    message(FATAL_ERROR "consumer: ${name}: expected ${migration_count} heatpump migrations, got: ${output}")
  endif()

  file(TIMESTAMP "${header}" header_time "%s")
  # The first generation creates the relations' headers, which CMake then
  # declares as the generation's byproducts: the next build re-runs CMake
  # once for that (a glob with CONFIGURE_DEPENDS), rewriting nothing.
  run("${name}: build again" ${CMAKE_COMMAND} --build ${build})
  if(output MATCHES "Building CXX|Linking CXX")
    message(FATAL_ERROR "consumer: ${name}: a second build compiled again\n${output}")
  endif()
  run("${name}: build a third time" ${CMAKE_COMMAND} --build ${build})
  if(NOT output MATCHES "ninja: no work to do")
    message(FATAL_ERROR "consumer: ${name}: a third build was not a no-op\n${output}")
  endif()
  file(TIMESTAMP "${header}" header_time_again "%s")
  if(NOT header_time STREQUAL header_time_again)
    message(FATAL_ERROR "consumer: ${name}: building again rewrote ${header}")
  endif()

  # The generator is an input of the generation.
  run("${name}: ninja -t query" ${NINJA} -C ${build} -t query hyperschema/heatpump/schema.sql)
  string(REGEX MATCH "input: [^\n]*\n(    [^\n]*\n)*" inputs "${output}")
  if(NOT inputs MATCHES "/hyperschema\n" OR NOT inputs MATCHES "heatpump\\.yaml")
    message(FATAL_ERROR "consumer: ${name}: the generation does not depend on the generator and the YAML\n${output}")
  endif()
endfunction()

# 1. add_subdirectory, with HYPERSCHEMA_INSTALL=ON so this one build of the
#    generator is also the one installed for find_package.
set(subdirectory_build "${WORK}/add-subdirectory")
check_consumer(add-subdirectory ${subdirectory_build} -DHYPERSCHEMA_INSTALL=ON)
# Left to its defaults, a subproject has no install rules (the consumer's
# CMakeLists.txt checks that, and that there are no tests or benchmarks).
file(REMOVE_RECURSE "${WORK}/add-subdirectory-defaults")
run("add-subdirectory: configure with the defaults" ${CMAKE_COMMAND} -S ${here}/add-subdirectory
    -B ${WORK}/add-subdirectory-defaults ${common_args} -DHYPERSCHEMA_SOURCE=${HYPERSCHEMA_SOURCE})

# 2. find_package, from a fresh prefix.
set(prefix "${WORK}/prefix")
file(REMOVE_RECURSE "${prefix}")
run("hyperschema: install" ${CMAKE_COMMAND} --install ${subdirectory_build} --prefix ${prefix})
foreach(installed bin/hyperschema include/hyperschema/hyperschema.hpp include/hyperschema/detail/sha256.hpp)
  if(NOT EXISTS "${prefix}/${installed}")
    message(FATAL_ERROR "consumer: the install has no ${installed}")
  endif()
endforeach()
file(GLOB_RECURSE config "${prefix}/*/hyperschemaConfig.cmake")
if(NOT config)
  message(FATAL_ERROR "consumer: the install has no hyperschemaConfig.cmake")
endif()

set(build "${WORK}/find-package")
check_consumer(find-package ${build} -DCMAKE_PREFIX_PATH=${prefix})
file(STRINGS "${build}/CMakeCache.txt" found_dir REGEX "^hyperschema_DIR:")
cmake_path(GET config PARENT_PATH config_dir)
if(NOT found_dir STREQUAL "hyperschema_DIR:PATH=${config_dir}")
  message(FATAL_ERROR "consumer: find-package found another hyperschema: ${found_dir}")
endif()
# A newer generator re-runs the generation; its output is unchanged, so the
# consumer does not recompile (the generator rewrites changed files only).
file(TOUCH_NOCREATE "${prefix}/bin/hyperschema")
run("find-package: build after the generator changed" ${CMAKE_COMMAND} --build ${build})
if(NOT output MATCHES "hyperschema: generating heatpump" OR output MATCHES "Building CXX")
  message(FATAL_ERROR "consumer: find-package: a newer generator must regenerate and recompile nothing\n${output}")
endif()
run("find-package: build once more" ${CMAKE_COMMAND} --build ${build})
if(NOT output MATCHES "ninja: no work to do")
  message(FATAL_ERROR "consumer: find-package: the build after regenerating was not a no-op\n${output}")
endif()

# 3. A schema renamed in its YAML, built without NAME: the generator, not a
#    reading of the YAML in CMake, finds the mismatch and names the fix.
set(renamed "${WORK}/wrong-name-schema/metering")
file(REMOVE_RECURSE "${WORK}/wrong-name-schema" "${WORK}/wrong-name")
file(WRITE "${renamed}/schema.yaml" "schema:\n  name: meter_data\ntables:\n  meters:\n    columns:\n      id: bigint\n")
run("wrong-name: configure" ${CMAKE_COMMAND} -S ${here}/wrong-name -B ${WORK}/wrong-name ${common_args}
    -DCMAKE_PREFIX_PATH=${prefix} -DSCHEMA_DIR=${renamed})
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/wrong-name RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
string(CONCAT expected "schema.yaml:2:9: error: the schema is named `meter_data`, but the build expects `metering`; "
       "pass `NAME meter_data` to hyperschema_generate()")
string(FIND "${out}" "${expected}" at)
if(rc EQUAL 0 OR at EQUAL -1)
  message(FATAL_ERROR "consumer: wrong-name: the build must fail naming the NAME to pass (${rc})\n${out}")
endif()

# 4. One schema generated into one OUT by two calls with different SOURCES:
#    they share the generated directory, so configuring fails and says why.
set(metering "${WORK}/sources-mismatch-schema/metering")
file(REMOVE_RECURSE "${WORK}/sources-mismatch-schema" "${WORK}/sources-mismatch")
file(WRITE "${metering}/schema.yaml" "tables:\n  meters:\n    columns:\n      id: bigint\n")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${here}/sources-mismatch -B ${WORK}/sources-mismatch ${common_args}
                        -DCMAKE_PREFIX_PATH=${prefix} -DSCHEMA_DIR=${metering}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(REGEX REPLACE "[ \n]+" " " flat "${out}")  # CMake wraps an error's lines
string(FIND "${flat}" "is already generated in 2 source file(s); pass the same SOURCES (2) or another OUT" at)
if(rc EQUAL 0 OR at EQUAL -1)
  message(FATAL_ERROR "consumer: sources-mismatch: configuring must fail naming the SOURCES (${rc})\n${out}")
endif()

message(STATUS "consumer: add-subdirectory and find-package consumers built, ran and rebuilt incrementally")
