# Every external dependency, found from Debian packages. Nothing is downloaded.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(OpenSSL REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(tomlplusplus 3 REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)  # prometheus-cpp-dev: prometheus-cpp::core
find_package(PkgConfig REQUIRED)
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
if(MMIDS_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()

# Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>;
# mmids-core/common/asio.hpp includes it first. Keep Boost's deprecated
# bind placeholders out of the global namespace.
add_compile_definitions(BOOST_BIND_GLOBAL_PLACEHOLDERS BOOST_ASIO_NO_DEPRECATED)
