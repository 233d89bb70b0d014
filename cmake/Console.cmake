# The web console of `vigie serve`: static files (HTML, JavaScript modules,
# CSS, translations) copied next to the executable, into <bin>/console,
# where the service looks for them when its config names no `console:`
# folder. The copy runs again whenever a file of the console changes, is
# added or is removed.

set(VIGIE_CONSOLE_SOURCE_DIR ${CMAKE_SOURCE_DIR}/engine/src/service/console)
set(VIGIE_CONSOLE_DIR ${VIGIE_BIN_DIR}/console)

file(GLOB_RECURSE vigie_console_files CONFIGURE_DEPENDS ${VIGIE_CONSOLE_SOURCE_DIR}/*)
set(vigie_console_stamp ${CMAKE_CURRENT_BINARY_DIR}/vigie_console.stamp)

# Removing the old copy first drops files deleted from the source tree.
add_custom_command(
  OUTPUT ${vigie_console_stamp}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${VIGIE_CONSOLE_DIR}
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${VIGIE_CONSOLE_SOURCE_DIR} ${VIGIE_CONSOLE_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${vigie_console_stamp}
  DEPENDS ${vigie_console_files}
  COMMENT "Copying the web console to ${VIGIE_CONSOLE_DIR}"
  VERBATIM)
add_custom_target(vigie_console DEPENDS ${vigie_console_stamp})
add_dependencies(vigie vigie_console)
