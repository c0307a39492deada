{
  "targets": [
    {
      "target_name": "native_pty",
      "sources": [
        "src-native/addon.cc",
        "src-native/arguments.cc",
        "src-native/env_state.cc",
        "src-native/io_loop.cc",
        "src-native/poller_epoll.cc",
        "src-native/session_manager.cc",
        "src-native/spawn.cc",
        "src-native/system_error.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='linux'", {
          "cflags_cc": ["-ffunction-sections", "-fdata-sections"],
          "ldflags": ["-static-libstdc++", "-static-libgcc", "-Wl,--gc-sections"]
        }]
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      }
    }
  ]
}
