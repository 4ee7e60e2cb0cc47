/* The builder loads lib/svm/builder/lib/libreporterchelper.so from its JDK for its progress
   report; a GraalVM JDK ships it, Temurin does not. build.sh puts it into a private Temurin copy. */
#include <jni.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <unistd.h>
JNIEXPORT jlong JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getPeakRSS0(JNIEnv *e, jclass c) {
  struct rusage u; if (getrusage(RUSAGE_SELF, &u)) return -1; return (jlong)u.ru_maxrss * 1024; }
JNIEXPORT jint JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getTerminalWindowColumns0(JNIEnv *e, jclass c) {
  struct winsize w; if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w)) return -1; return w.ws_col; }
