/* More JNI_OnLoad entry points (static-library naming, as a GraalVM JDK's static libs provide
   them) and a no-op the trainer's image reaches (extnet, management). */
#include <jni.h>
jint JNI_OnLoad_extnet(JavaVM *vm, void *r) { return JNI_VERSION_1_8; }
jint JNI_OnLoad_management_ext(JavaVM *vm, void *r) { return JNI_VERSION_1_8; }
jint JNI_OnLoad_management(JavaVM *vm, void *r) { return JNI_VERSION_1_8; }
JNIEXPORT void JNICALL Java_com_sun_management_internal_OperatingSystemImpl_initialize0(JNIEnv *e, jclass c) { }
