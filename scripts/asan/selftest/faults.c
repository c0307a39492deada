/*
 * A deliberately faulty Node-API addon for scripts/asan/selftest.sh: proof that the sanitizer
 * setup catches, in an addon called from JavaScript the way ours is, a leak, a use after free
 * and undefined behaviour, and that lsan.supp does not hide the leak.
 */
#include <limits.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

static char* kept;  /* volatile enough that the compiler cannot drop the accesses */

static napi_value Leak(napi_env env, napi_callback_info info) {
  char* lost = malloc(4096);
  memset(lost, 1, 4096);
  lost = NULL; /* the only pointer is gone: a direct leak */
  (void)lost;
  return NULL;
}

static napi_value UseAfterFree(napi_env env, napi_callback_info info) {
  kept = malloc(64);
  free(kept);
  kept[8] = 1;
  return NULL;
}

static napi_value Overflow(napi_env env, napi_callback_info info) {
  napi_value arg;
  size_t argc = 1;
  int32_t n = 0;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  napi_get_value_int32(env, arg, &n);
  int result = n + INT_MAX; /* signed overflow for any n > 0 */
  napi_value out;
  napi_create_int32(env, result, &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"leak", NULL, Leak, NULL, NULL, NULL, napi_default, NULL},
      {"useAfterFree", NULL, UseAfterFree, NULL, NULL, NULL, napi_default, NULL},
      {"overflow", NULL, Overflow, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
