// The macOS backend (kqueue for readiness and EVFILT_PROC for exits, libproc for process names)
// implements core/backend.h and is not written yet. Without this, a macOS build (package.json
// lists darwin, and npm compiles where no prebuild fits) would stop at a missing symbol, which
// tells the user nothing.
#error "native-pty supports only Linux so far: the kqueue backend for macOS is not written yet (see the README's Install section)."
