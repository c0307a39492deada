{
  "targets": [
    {
      "target_name": "native_pty",
      "sources": [
        "src-native/core/environment.cc",
        "src-native/core/io_loop.cc",
        "src-native/core/output_buffer.cc",
        "src-native/core/session_exit.cc",
        "src-native/core/session_manager.cc",
        "src-native/posix/fd_ops.cc",
        "src-native/posix/pty.cc",
        "src-native/posix/spawn.cc",
        "src-native/posix/system_error.cc",
        "src-native/node/addon.cc",
        "src-native/node/arguments.cc",
        "src-native/node/js_error.cc",
        "src-native/node/node_environment.cc",
        "src-native/node/output_values.cc"
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
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "src-native/linux/epoll_poller.cc",
            "src-native/linux/process_info.cc"
          ],
          "cflags_cc": ["-ffunction-sections", "-fdata-sections"],
          "ldflags": ["-static-libstdc++", "-static-libgcc", "-Wl,--gc-sections", "-Wl,-Bsymbolic-functions"]
        }],
        ["OS=='mac'", {
          "sources": [
            "src-native/macos/kqueue_poller.cc",
            "src-native/macos/process_info.cc"
          ]
        }]
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    },
    {
      "target_name": "vt-pipe",
      "type": "executable",
      "sources": [
        "src-native/forwarder/client.cc",
        "src-native/forwarder/forwarder.cc",
        "src-native/forwarder/frames.cc",
        "src-native/forwarder/json.cc",
        "src-native/forwarder/local_terminal.cc",
        "src-native/forwarder/main.cc",
        "src-native/forwarder/record.cc",
        "src-native/forwarder/session_dir.cc",
        "src-native/forwarder/signal_pipe.cc",
        "src-native/forwarder/startup.cc",
        "src-native/posix/fd_ops.cc",
        "src-native/posix/pty.cc",
        "src-native/posix/spawn.cc",
        "src-native/posix/system_error.cc"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Os"],
      "conditions": [
        ["OS=='linux'", {
          "cflags_cc": ["-ffunction-sections", "-fdata-sections"],
          "ldflags": ["-static-libstdc++", "-static-libgcc", "-Wl,--gc-sections", "-s", "-pthread"],
          "ldflags!": ["-rdynamic"]
        }]
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "DEAD_CODE_STRIPPING": "YES"
      }
    }
  ]
}
