# Warnings for the project's own code; generated ANTLR code is compiled
# without them (see grammar/CMakeLists.txt).
set(VIGIE_WARNINGS -Wall -Wextra)
# At -O3, GCC 12 reports -Wrestrict inside libstdc++'s std::string code
# that the project's own lines do not cause; the other levels are clean.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND VIGIE_WARNINGS -Wno-restrict)
endif()

# vigie_layer(NAME DEPS...) builds engine/src/NAME/*.cpp into the static
# library vigie_NAME. A layer with no source file yet is an INTERFACE
# library, so that headers-only layers link the same way.
function(vigie_layer name)
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/engine/src/${name}/*.cpp)
  if(sources)
    add_library(vigie_${name} STATIC ${sources})
    target_compile_options(vigie_${name} PRIVATE ${VIGIE_WARNINGS})
    target_include_directories(vigie_${name} PUBLIC
      ${PROJECT_SOURCE_DIR}/engine/src ${PROJECT_SOURCE_DIR}/engine/include)
    target_link_libraries(vigie_${name} PUBLIC ${ARGN})
  else()
    add_library(vigie_${name} INTERFACE)
    target_include_directories(vigie_${name} INTERFACE
      ${PROJECT_SOURCE_DIR}/engine/src ${PROJECT_SOURCE_DIR}/engine/include)
    target_link_libraries(vigie_${name} INTERFACE ${ARGN})
  endif()
endfunction()

# vigie_plugin(KIND NAME SOURCES...) builds a plugin as a MODULE library
# named vigie_KIND_NAME.so into the plugin folder beside the executable.
function(vigie_plugin kind name)
  set(target vigie_${kind}_${name})
  add_library(${target} MODULE ${ARGN})
  target_compile_options(${target} PRIVATE ${VIGIE_WARNINGS})
  target_link_libraries(${target} PRIVATE vigie_sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY ${VIGIE_PLUGIN_DIR}
    CXX_VISIBILITY_PRESET hidden)
  # Export only the manifest and the entry point, not the SDK's symbols
  # pulled in from static libraries.
  target_link_options(${target} PRIVATE -Wl,--exclude-libs,ALL)
  add_dependencies(vigie_plugins ${target})
  # The same registration code is linked statically into tests.
  add_library(${target}_static STATIC ${ARGN})
  target_compile_options(${target}_static PRIVATE ${VIGIE_WARNINGS})
  target_compile_definitions(${target}_static PUBLIC VIGIE_PLUGIN_STATIC)
  target_link_libraries(${target}_static PUBLIC vigie_sdk)
endfunction()

# vigie_test(NAME LIBS...) builds tests/NAME/*.cpp into test_NAME and
# registers every Catch2 test case with CTest.
function(vigie_test name)
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${name}/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(test_${name} ${sources})
  target_compile_options(test_${name} PRIVATE ${VIGIE_WARNINGS})
  target_compile_definitions(test_${name} PRIVATE
    VIGIE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    VIGIE_BINARY_DIR="${PROJECT_BINARY_DIR}"
    VIGIE_PLUGIN_DIR="${VIGIE_PLUGIN_DIR}"
    VIGIE_EXECUTABLE="${VIGIE_BIN_DIR}/vigie")
  target_include_directories(test_${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(test_${name} PRIVATE ${ARGN} Catch2::Catch2WithMain)
  set_target_properties(test_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  catch_discover_tests(test_${name} TEST_PREFIX "${name}: "
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES ENVIRONMENT "VIGIE_PLUGIN_PATH=${VIGIE_PLUGIN_DIR}")
endfunction()
