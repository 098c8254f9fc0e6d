# Every external dependency, found from Debian packages. Nothing is downloaded.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(OpenSSL REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(tomlplusplus 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
if(MMIDS_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  pkg_check_modules(LIBRTMP REQUIRED IMPORTED_TARGET librtmp)
endif()

# Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>;
# asio_fwd.hpp (mmids-core/asio.hpp) includes it first. Keep Boost's deprecated
# bind placeholders out of the global namespace.
add_compile_definitions(BOOST_BIND_GLOBAL_PLACEHOLDERS BOOST_ASIO_NO_DEPRECATED)

# A "room" is a folder with one job. Its .cpp files (recursively) form one static
# library; a room with no sources yet is an interface library so others can link it.
function(mmids_add_room_library name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARGN})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARGN})
  endif()
endfunction()
