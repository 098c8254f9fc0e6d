# Rooms: a folder with one job is one static library (an interface library while it has
# no sources). Each room names the rooms it may use; scripts/check_rooms.py, run on every
# build, fails the build when a file includes a header of a room its room did not name,
# and when a PURE room (bytes in, bytes out) includes Boost or Asio at all.
#
#   mmids_room(NAME DIR [PURE] [ROOMS room...] [LIBS target...])
#
# NAME: the library target; DIR: the folder, relative to the project root; ROOMS: the
# rooms it depends on (linked PUBLIC, and the only project headers it may include);
# LIBS: external libraries (Debian packages, found in cmake/Dependencies.cmake).

function(mmids_room name dir)
  cmake_parse_arguments(ROOM "PURE" "" "ROOMS;LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.cpp)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ROOM_ROOMS} ${ROOM_LIBS})
    if(NOT ROOM_PURE)
      # One precompiled header (Asio, Beast, spdlog, JSON) serves every room that can use it.
      # A room compiled with it holds code of those libraries, so it links them, and gets
      # their compile definitions (without them gcc ignores the header: -Winvalid-pch).
      target_precompile_headers(${name} REUSE_FROM mmids_pch)
      target_link_libraries(${name} PRIVATE mmids_pch)
    endif()
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ROOM_ROOMS} ${ROOM_LIBS})
  endif()
  set(pure 0)
  if(ROOM_PURE)
    set(pure 1)
  endif()
  string(REPLACE ";" "," rooms "${ROOM_ROOMS}")
  set_property(GLOBAL APPEND PROPERTY MMIDS_ROOM_TABLE "${name} ${dir} ${pure} ${rooms}")
endfunction()

# The precompiled header every non-pure room reuses.
function(mmids_add_pch_target)
  set(stub ${PROJECT_BINARY_DIR}/mmids_pch.cpp)
  # Written only when its text changes: a new mtime at every re-configure (a new source
  # file re-runs CMake) would rebuild the precompiled header and so every room.
  file(CONFIGURE OUTPUT ${stub} CONTENT "// Compiles the shared precompiled header.\n")
  add_library(mmids_pch STATIC ${stub})
  target_link_libraries(mmids_pch PUBLIC Boost::headers OpenSSL::SSL spdlog::spdlog nlohmann_json::nlohmann_json)
  target_precompile_headers(mmids_pch PRIVATE
    <utility> <boost/asio.hpp> <boost/asio/ssl.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp>
    <spdlog/spdlog.h> <nlohmann/json.hpp>)
endfunction()

# Writes the room table and checks it on every build.
function(mmids_check_rooms)
  get_property(table GLOBAL PROPERTY MMIDS_ROOM_TABLE)
  string(REPLACE ";" "\n" text "${table}")
  file(WRITE ${PROJECT_BINARY_DIR}/rooms.txt "${text}\n")
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  add_custom_target(room_rules ALL
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/check_rooms.py ${PROJECT_BINARY_DIR}/rooms.txt
            ${PROJECT_SOURCE_DIR}
    COMMENT "Checking that every room includes only the rooms it names"
    VERBATIM)
endfunction()
