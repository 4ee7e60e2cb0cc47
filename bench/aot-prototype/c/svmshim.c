/* Stands in for Substrate VM's C libraries (libchelper, libcontainer and the pieces of its libjvm
   the image calls), which ship only inside a GraalVM JDK. Linked into the trainer by build.sh. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <cpuid.h>
#include <jni.h>
#include "amd64cpufeatures.h"  /* clib/include, hand-written */

/* JNI_OnLoad for "built-in" JDK libs (static-lib naming) */
jint JNI_OnLoad_java(JavaVM *vm, void *r) { return JNI_VERSION_1_8; }
jint JNI_OnLoad_nio(JavaVM *vm, void *r) { return JNI_VERSION_1_8; }
jint JNI_OnLoad_net(JavaVM *vm, void *r) { return JNI_VERSION_1_8; }
jint JNI_OnLoad_zip(JavaVM *vm, void *r) { return JNI_VERSION_1_8; }

void initialize(void) { }            /* Jvm.initialize() from SVM's libjvm */
int getThreadId(void) { return (int) syscall(SYS_gettid); }
int openSII(const char *p, int f, int m) { return open(p, f, m); }
void *mremapP(void *old, size_t os, size_t ns, int fl, void *na) { return mremap(old, os, ns, fl, na); }
int fprintfSD(FILE *fp, const char *fmt, const char *s, int d) { return fprintf(fp, fmt, s, d); }
char *SVM_FindJavaTZmd(const char *m, int l) { return NULL; }

/* container support: report "not containerized" */
int svm_container_initialize(int v) { return 0; /* SUCCESS_IS_NOT_CONTAINERIZED */ }
unsigned long svm_container_physical_memory(void) { return 0; }
int svm_container_active_processor_count(void) { return (int) sysconf(_SC_NPROCESSORS_ONLN); }

/* locale */
typedef struct { char *fl,*fs,*fc,*fv,*dl,*ds,*dc,*dv; } svm_locale_props_t;
static svm_locale_props_t props = {"en", NULL, "US", NULL, "en", NULL, "US", NULL};
int svm_initialize_locale(void) { return 1; /* SUCCEEDED */ }
void *svm_get_locale(void) { return &props; }

/* sun.misc.Signal support */
static sem_t sigsem; static volatile sig_atomic_t pending[65];
int cSunMiscSignal_open(void) { return sem_init(&sigsem, 0, 0); }
int cSunMiscSignal_close(void) { return sem_destroy(&sigsem); }
int cSunMiscSignal_awaitSemaphore(void) { return sem_wait(&sigsem); }
int cSunMiscSignal_signalSemaphore(void) { return sem_post(&sigsem); }
int cSunMiscSignal_signalRangeCheck(int s) { return s > 0 && s < 65; }
int cSunMiscSignal_checkPendingSignal(void) { for (int i = 1; i < 65; i++) if (pending[i]) { pending[i] = 0; return i; } return -1; }
static void handler(int s) { if (s > 0 && s < 65) { pending[s] = 1; sem_post(&sigsem); } }
void *cSunMiscSignal_signalHandlerFunctionPointer(void) { return (void *) handler; }

/* CPU features */
void determineCPUFeatures(CPUFeatures *f) {
  unsigned a, b, c, d;
  memset(f, 0, sizeof(*f));
  __cpuid(1, a, b, c, d);
  f->fCX8 = (d >> 8) & 1; f->fCMOV = (d >> 15) & 1; f->fMMX = (d >> 23) & 1; f->fFXSR = (d >> 24) & 1;
  f->fSSE = (d >> 25) & 1; f->fSSE2 = (d >> 26) & 1; f->fHT = (d >> 28) & 1; f->fTSC = (d >> 4) & 1; f->fFLUSH = (d >> 19) & 1;
  f->fSSE3 = c & 1; f->fCLMUL = (c >> 1) & 1; f->fSSSE3 = (c >> 9) & 1; f->fFMA = (c >> 12) & 1; f->fSSE4_1 = (c >> 19) & 1;
  f->fSSE4_2 = (c >> 20) & 1; f->fPOPCNT = (c >> 23) & 1; f->fAES = (c >> 25) & 1; f->fAVX = (c >> 28) & 1; f->fF16C = (c >> 29) & 1; f->fHV = (c >> 31) & 1;
  f->fVZEROUPPER = f->fAVX;
  __cpuid_count(7, 0, a, b, c, d);
  f->fBMI1 = (b >> 3) & 1; f->fAVX2 = (b >> 5) & 1; f->fBMI2 = (b >> 8) & 1; f->fERMS = (b >> 9) & 1; f->fRTM = (b >> 11) & 1;
  f->fAVX512F = (b >> 16) & 1; f->fAVX512DQ = (b >> 17) & 1; f->fADX = (b >> 19) & 1; f->fAVX512_IFMA = (b >> 21) & 1;
  f->fFLUSHOPT = (b >> 23) & 1; f->fCLWB = (b >> 24) & 1; f->fAVX512PF = (b >> 26) & 1; f->fAVX512ER = (b >> 27) & 1;
  f->fAVX512CD = (b >> 28) & 1; f->fSHA = (b >> 29) & 1; f->fAVX512BW = (b >> 30) & 1; f->fAVX512VL = (b >> 31) & 1;
  f->fAVX512_VBMI = (c >> 1) & 1; f->fPKU = (c >> 3) & 1; f->fOSPKE = (c >> 4) & 1; f->fAVX512_VBMI2 = (c >> 6) & 1; f->fCET_SS = (c >> 7) & 1;
  f->fGFNI = (c >> 8) & 1; f->fAVX512_VAES = (c >> 9) & 1; f->fAVX512_VPCLMULQDQ = (c >> 10) & 1; f->fAVX512_VNNI = (c >> 11) & 1;
  f->fAVX512_BITALG = (c >> 12) & 1; f->fAVX512_VPOPCNTDQ = (c >> 14) & 1; f->fRDPID = (c >> 22) & 1;
  f->fFSRM = (d >> 4) & 1; f->fSERIALIZE = (d >> 14) & 1; f->fCET_IBT = (d >> 20) & 1; f->fAVX512_FP16 = (d >> 23) & 1;
  __cpuid(0x80000001, a, b, c, d);
  f->fLZCNT = (c >> 5) & 1; f->fSSE4A = (c >> 6) & 1; f->fAMD_3DNOW_PREFETCH = (c >> 8) & 1; f->fRDTSCP = (d >> 27) & 1;
  __cpuid(0x80000007, a, b, c, d);
  f->fTSCINV_BIT = (d >> 8) & 1; f->fTSCINV = f->fTSCINV_BIT;
}
/* Built for this CPU (-H:MicroArchitecture=native); no run-time check. */
int checkCPUFeatures(const char *mask) { return 0; }
int checkCPUFeaturesOrExit(const char *mask, const char *msg) { return 0; }
#include <dlfcn.h>
/* libjava's file-attribute call can come before its JNU encoding is set up in this link (no real
   JVM runs libjava's JNI_OnLoad), so answer "no attributes" until InitializeEncoding has run. */
static int enc_inited;
JNIEXPORT void InitializeEncoding(JNIEnv *env, const char *encname) {
  static void (*real)(JNIEnv *, const char *);
  if (!real) real = dlsym(RTLD_NEXT, "InitializeEncoding");
  real(env, encname); enc_inited = 1;
}
JNIEXPORT jint JNICALL Java_java_io_UnixFileSystem_getBooleanAttributes0(JNIEnv *env, jobject t, jobject f) {
  static jint (*real)(JNIEnv *, jobject, jobject);
  if (!enc_inited) return 0; /* too early: libjava's JNU encoding not set up yet */
  if (!real) real = dlsym(RTLD_NEXT, "Java_java_io_UnixFileSystem_getBooleanAttributes0");
  return real(env, t, f);
}
