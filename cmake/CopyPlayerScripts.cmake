# Run by the player_scripts target (cmake -P): copies the browser player's scripts from
# web/node_modules (installed by scripts/install-deps.sh with npm ci) into <build>/web,
# where nodes serve them (setting http_player_path overrides). Missing ones are reported,
# not fatal: the node still serves HLS and HTTP-FLV, only its player page lacks a player.
foreach(script hls.js/dist/hls.min.js mpegts.js/dist/mpegts.js)
  if(EXISTS "${SOURCE}/${script}")
    file(COPY "${SOURCE}/${script}" DESTINATION "${DEST}")
  else()
    message(WARNING "${SOURCE}/${script} is missing: run scripts/install-deps.sh for the browser player")
  endif()
endforeach()
