/* A stub libjvm.so: Temurin's libjava/libnio/libnet/libzip import these JVM_ and jio_ symbols
   (version SUNWprivate_1.1, see jvm.map). The few the image reaches are implemented; every other
   one aborts with its name, so an unexpected call fails loudly instead of misbehaving. */
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <unistd.h>
#include <time.h>
#include <sys/time.h>
int JVM_ActiveProcessorCount(void) { return (int) sysconf(_SC_NPROCESSORS_ONLN); }
void JVM_Halt(int code) { fflush(stdout); _exit(code); }
void JVM_BeforeHalt(void) { }
char *JVM_NativePath(char *p) { return p; }
long long JVM_CurrentTimeMillis(void *e, void *c) { struct timeval tv; gettimeofday(&tv, 0); return (long long)tv.tv_sec*1000 + tv.tv_usec/1000; }
long long JVM_NanoTime(void *e, void *c) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return (long long)ts.tv_sec*1000000000LL + ts.tv_nsec; }
int jio_vsnprintf(char *s, size_t n, const char *f, va_list a) { return vsnprintf(s, n, f, a); }
int jio_snprintf(char *s, size_t n, const char *f, ...) { va_list a; va_start(a, f); int r = vsnprintf(s, n, f, a); va_end(a); return r; }
int jio_vfprintf(FILE *fp, const char *f, va_list a) { return vfprintf(fp, f, a); }
int jio_fprintf(FILE *fp, const char *f, ...) { va_list a; va_start(a, f); int r = vfprintf(fp, f, a); va_end(a); return r; }
unsigned char JVM_IsSupportedJNIVersion(int v) { return 1; }
static void unimpl(const char *n) { fprintf(stderr, "stub libjvm: %s not implemented\n", n); abort(); }
void JVM_AddModuleExports(void) { unimpl("JVM_AddModuleExports"); }
void JVM_AddModuleExportsToAll(void) { unimpl("JVM_AddModuleExportsToAll"); }
void JVM_AddModuleExportsToAllUnnamed(void) { unimpl("JVM_AddModuleExportsToAllUnnamed"); }
void JVM_AddReadsModule(void) { unimpl("JVM_AddReadsModule"); }
void JVM_AreNestMates(void) { unimpl("JVM_AreNestMates"); }
void JVM_ArrayCopy(void) { unimpl("JVM_ArrayCopy"); }
void JVM_AssertionStatusDirectives(void) { unimpl("JVM_AssertionStatusDirectives"); }
void JVM_CallStackWalk(void) { unimpl("JVM_CallStackWalk"); }
void JVM_ConstantPoolGetClassAt(void) { unimpl("JVM_ConstantPoolGetClassAt"); }
void JVM_ConstantPoolGetClassAtIfLoaded(void) { unimpl("JVM_ConstantPoolGetClassAtIfLoaded"); }
void JVM_ConstantPoolGetClassRefIndexAt(void) { unimpl("JVM_ConstantPoolGetClassRefIndexAt"); }
void JVM_ConstantPoolGetDoubleAt(void) { unimpl("JVM_ConstantPoolGetDoubleAt"); }
void JVM_ConstantPoolGetFieldAt(void) { unimpl("JVM_ConstantPoolGetFieldAt"); }
void JVM_ConstantPoolGetFieldAtIfLoaded(void) { unimpl("JVM_ConstantPoolGetFieldAtIfLoaded"); }
void JVM_ConstantPoolGetFloatAt(void) { unimpl("JVM_ConstantPoolGetFloatAt"); }
void JVM_ConstantPoolGetIntAt(void) { unimpl("JVM_ConstantPoolGetIntAt"); }
void JVM_ConstantPoolGetLongAt(void) { unimpl("JVM_ConstantPoolGetLongAt"); }
void JVM_ConstantPoolGetMemberRefInfoAt(void) { unimpl("JVM_ConstantPoolGetMemberRefInfoAt"); }
void JVM_ConstantPoolGetMethodAt(void) { unimpl("JVM_ConstantPoolGetMethodAt"); }
void JVM_ConstantPoolGetMethodAtIfLoaded(void) { unimpl("JVM_ConstantPoolGetMethodAtIfLoaded"); }
void JVM_ConstantPoolGetNameAndTypeRefIndexAt(void) { unimpl("JVM_ConstantPoolGetNameAndTypeRefIndexAt"); }
void JVM_ConstantPoolGetNameAndTypeRefInfoAt(void) { unimpl("JVM_ConstantPoolGetNameAndTypeRefInfoAt"); }
void JVM_ConstantPoolGetSize(void) { unimpl("JVM_ConstantPoolGetSize"); }
void JVM_ConstantPoolGetStringAt(void) { unimpl("JVM_ConstantPoolGetStringAt"); }
void JVM_ConstantPoolGetTagAt(void) { unimpl("JVM_ConstantPoolGetTagAt"); }
void JVM_ConstantPoolGetUTF8At(void) { unimpl("JVM_ConstantPoolGetUTF8At"); }
void JVM_CreateThreadSnapshot(void) { unimpl("JVM_CreateThreadSnapshot"); }
void JVM_CurrentCarrierThread(void) { unimpl("JVM_CurrentCarrierThread"); }
void JVM_CurrentThread(void) { unimpl("JVM_CurrentThread"); }
void JVM_DefineArchivedModules(void) { unimpl("JVM_DefineArchivedModules"); }
void JVM_DefineClassWithSource(void) { unimpl("JVM_DefineClassWithSource"); }
void JVM_DefineModule(void) { unimpl("JVM_DefineModule"); }
void JVM_DesiredAssertionStatus(void) { unimpl("JVM_DesiredAssertionStatus"); }
void JVM_DumpClassListToFile(void) { unimpl("JVM_DumpClassListToFile"); }
void JVM_DumpDynamicArchive(void) { unimpl("JVM_DumpDynamicArchive"); }
void JVM_DumpThreads(void) { unimpl("JVM_DumpThreads"); }
void JVM_EnsureMaterializedForStackWalk_func(void) { unimpl("JVM_EnsureMaterializedForStackWalk_func"); }
void JVM_ExpandStackFrameInfo(void) { unimpl("JVM_ExpandStackFrameInfo"); }
void JVM_FillInStackTrace(void) { unimpl("JVM_FillInStackTrace"); }
void JVM_FindClassFromBootLoader(void) { unimpl("JVM_FindClassFromBootLoader"); }
void JVM_FindClassFromCaller(void) { unimpl("JVM_FindClassFromCaller"); }
void JVM_FindLibraryEntry(void) { unimpl("JVM_FindLibraryEntry"); }
void JVM_FindLoadedClass(void) { unimpl("JVM_FindLoadedClass"); }
void JVM_FindPrimitiveClass(void) { unimpl("JVM_FindPrimitiveClass"); }
void JVM_FindScopedValueBindings(void) { unimpl("JVM_FindScopedValueBindings"); }
void JVM_FindSignal(void) { unimpl("JVM_FindSignal"); }
void JVM_FreeMemory(void) { unimpl("JVM_FreeMemory"); }
void JVM_GC(void) { unimpl("JVM_GC"); }
void JVM_GetAllThreads(void) { unimpl("JVM_GetAllThreads"); }
void JVM_GetAndClearReferencePendingList(void) { unimpl("JVM_GetAndClearReferencePendingList"); }
void JVM_GetArrayElement(void) { unimpl("JVM_GetArrayElement"); }
void JVM_GetArrayLength(void) { unimpl("JVM_GetArrayLength"); }
void JVM_GetCDSConfigStatus(void) { unimpl("JVM_GetCDSConfigStatus"); }
void JVM_GetCallerClass(void) { unimpl("JVM_GetCallerClass"); }
void JVM_GetClassAccessFlags(void) { unimpl("JVM_GetClassAccessFlags"); }
void JVM_GetClassAnnotations(void) { unimpl("JVM_GetClassAnnotations"); }
void JVM_GetClassConstantPool(void) { unimpl("JVM_GetClassConstantPool"); }
void JVM_GetClassDeclaredConstructors(void) { unimpl("JVM_GetClassDeclaredConstructors"); }
void JVM_GetClassDeclaredFields(void) { unimpl("JVM_GetClassDeclaredFields"); }
void JVM_GetClassDeclaredMethods(void) { unimpl("JVM_GetClassDeclaredMethods"); }
void JVM_GetClassFileVersion(void) { unimpl("JVM_GetClassFileVersion"); }
void JVM_GetClassInterfaces(void) { unimpl("JVM_GetClassInterfaces"); }
void JVM_GetClassSignature(void) { unimpl("JVM_GetClassSignature"); }
void JVM_GetClassTypeAnnotations(void) { unimpl("JVM_GetClassTypeAnnotations"); }
void JVM_GetDeclaredClasses(void) { unimpl("JVM_GetDeclaredClasses"); }
void JVM_GetDeclaringClass(void) { unimpl("JVM_GetDeclaringClass"); }
void JVM_GetEnclosingMethodInfo(void) { unimpl("JVM_GetEnclosingMethodInfo"); }
void JVM_GetExtendedNPEMessage(void) { unimpl("JVM_GetExtendedNPEMessage"); }
void JVM_GetFieldTypeAnnotations(void) { unimpl("JVM_GetFieldTypeAnnotations"); }
void JVM_GetMethodParameters(void) { unimpl("JVM_GetMethodParameters"); }
void JVM_GetMethodTypeAnnotations(void) { unimpl("JVM_GetMethodTypeAnnotations"); }
void JVM_GetNanoTimeAdjustment(void) { unimpl("JVM_GetNanoTimeAdjustment"); }
void JVM_GetNestHost(void) { unimpl("JVM_GetNestHost"); }
void JVM_GetNestMembers(void) { unimpl("JVM_GetNestMembers"); }
void JVM_GetNextThreadIdOffset(void) { unimpl("JVM_GetNextThreadIdOffset"); }
void JVM_GetPermittedSubclasses(void) { unimpl("JVM_GetPermittedSubclasses"); }
void JVM_GetPrimitiveArrayElement(void) { unimpl("JVM_GetPrimitiveArrayElement"); }
void JVM_GetProperties(void) { unimpl("JVM_GetProperties"); }
void JVM_GetRandomSeedForDumping(void) { unimpl("JVM_GetRandomSeedForDumping"); }
void JVM_GetRecordComponents(void) { unimpl("JVM_GetRecordComponents"); }
void JVM_GetSimpleBinaryName(void) { unimpl("JVM_GetSimpleBinaryName"); }
void JVM_GetStackTrace(void) { unimpl("JVM_GetStackTrace"); }
void JVM_GetSystemPackage(void) { unimpl("JVM_GetSystemPackage"); }
void JVM_GetSystemPackages(void) { unimpl("JVM_GetSystemPackages"); }
void JVM_GetTemporaryDirectory(void) { unimpl("JVM_GetTemporaryDirectory"); }
void JVM_GetVmArguments(void) { unimpl("JVM_GetVmArguments"); }
void JVM_HasReferencePendingList(void) { unimpl("JVM_HasReferencePendingList"); }
void JVM_HoldsLock(void) { unimpl("JVM_HoldsLock"); }
void JVM_IHashCode(void) { unimpl("JVM_IHashCode"); }
void JVM_InitAgentProperties(void) { unimpl("JVM_InitAgentProperties"); }
void JVM_InitClassName(void) { unimpl("JVM_InitClassName"); }
void JVM_InitStackTraceElement(void) { unimpl("JVM_InitStackTraceElement"); }
void JVM_InitStackTraceElementArray(void) { unimpl("JVM_InitStackTraceElementArray"); }
void JVM_InitializeFromArchive(void) { unimpl("JVM_InitializeFromArchive"); }
void JVM_InternString(void) { unimpl("JVM_InternString"); }
void JVM_Interrupt(void) { unimpl("JVM_Interrupt"); }
void JVM_InvokeMethod(void) { unimpl("JVM_InvokeMethod"); }
void JVM_IsContainerized(void) { unimpl("JVM_IsContainerized"); }
void JVM_IsContinuationsSupported(void) { unimpl("JVM_IsContinuationsSupported"); }
void JVM_IsFinalizationEnabled(void) { unimpl("JVM_IsFinalizationEnabled"); }
void JVM_IsForeignLinkerSupported(void) { unimpl("JVM_IsForeignLinkerSupported"); }
void JVM_IsHiddenClass(void) { unimpl("JVM_IsHiddenClass"); }
void JVM_IsPreviewEnabled(void) { unimpl("JVM_IsPreviewEnabled"); }
void JVM_IsRecord(void) { unimpl("JVM_IsRecord"); }
void JVM_IsUseContainerSupport(void) { unimpl("JVM_IsUseContainerSupport"); }
void JVM_LatestUserDefinedLoader(void) { unimpl("JVM_LatestUserDefinedLoader"); }
void JVM_LoadLibrary(void) { unimpl("JVM_LoadLibrary"); }
void JVM_LogLambdaFormInvoker(void) { unimpl("JVM_LogLambdaFormInvoker"); }
void JVM_LookupDefineClass(void) { unimpl("JVM_LookupDefineClass"); }
void JVM_LookupLambdaProxyClassFromArchive(void) { unimpl("JVM_LookupLambdaProxyClassFromArchive"); }
void JVM_MaxMemory(void) { unimpl("JVM_MaxMemory"); }
void JVM_MoreStackWalk(void) { unimpl("JVM_MoreStackWalk"); }
void JVM_NeedsClassInitBarrierForCDS(void) { unimpl("JVM_NeedsClassInitBarrierForCDS"); }
void JVM_NewArray(void) { unimpl("JVM_NewArray"); }
void JVM_NewInstanceFromConstructor(void) { unimpl("JVM_NewInstanceFromConstructor"); }
void JVM_NewMultiArray(void) { unimpl("JVM_NewMultiArray"); }
void JVM_PhantomReferenceRefersTo(void) { unimpl("JVM_PhantomReferenceRefersTo"); }
void JVM_RaiseSignal(void) { unimpl("JVM_RaiseSignal"); }
void JVM_RawMonitorCreate(void) { unimpl("JVM_RawMonitorCreate"); }
void JVM_RawMonitorDestroy(void) { unimpl("JVM_RawMonitorDestroy"); }
void JVM_RawMonitorEnter(void) { unimpl("JVM_RawMonitorEnter"); }
void JVM_RawMonitorExit(void) { unimpl("JVM_RawMonitorExit"); }
void JVM_ReferenceClear(void) { unimpl("JVM_ReferenceClear"); }
void JVM_ReferenceRefersTo(void) { unimpl("JVM_ReferenceRefersTo"); }
void JVM_RegisterContinuationMethods(void) { unimpl("JVM_RegisterContinuationMethods"); }
void JVM_RegisterLambdaProxyClassForArchiving(void) { unimpl("JVM_RegisterLambdaProxyClassForArchiving"); }
void JVM_RegisterSignal(void) { unimpl("JVM_RegisterSignal"); }
void JVM_ReportFinalizationComplete(void) { unimpl("JVM_ReportFinalizationComplete"); }
void JVM_ScopedValueCache(void) { unimpl("JVM_ScopedValueCache"); }
void JVM_SetArrayElement(void) { unimpl("JVM_SetArrayElement"); }
void JVM_SetBootLoaderUnnamedModule(void) { unimpl("JVM_SetBootLoaderUnnamedModule"); }
void JVM_SetCurrentThread(void) { unimpl("JVM_SetCurrentThread"); }
void JVM_SetNativeThreadName(void) { unimpl("JVM_SetNativeThreadName"); }
void JVM_SetPrimitiveArrayElement(void) { unimpl("JVM_SetPrimitiveArrayElement"); }
void JVM_SetScopedValueCache(void) { unimpl("JVM_SetScopedValueCache"); }
void JVM_SetStackWalkContinuation(void) { unimpl("JVM_SetStackWalkContinuation"); }
void JVM_SetThreadPriority(void) { unimpl("JVM_SetThreadPriority"); }
void JVM_SleepNanos(void) { unimpl("JVM_SleepNanos"); }
void JVM_StartThread(void) { unimpl("JVM_StartThread"); }
void JVM_TakeVirtualThreadListToUnblock(void) { unimpl("JVM_TakeVirtualThreadListToUnblock"); }
void JVM_TotalMemory(void) { unimpl("JVM_TotalMemory"); }
void JVM_UnloadLibrary(void) { unimpl("JVM_UnloadLibrary"); }
void JVM_VirtualThreadDisableSuspend(void) { unimpl("JVM_VirtualThreadDisableSuspend"); }
void JVM_VirtualThreadEnd(void) { unimpl("JVM_VirtualThreadEnd"); }
void JVM_VirtualThreadMount(void) { unimpl("JVM_VirtualThreadMount"); }
void JVM_VirtualThreadPinnedEvent(void) { unimpl("JVM_VirtualThreadPinnedEvent"); }
void JVM_VirtualThreadStart(void) { unimpl("JVM_VirtualThreadStart"); }
void JVM_VirtualThreadUnmount(void) { unimpl("JVM_VirtualThreadUnmount"); }
void JVM_WaitForReferencePendingList(void) { unimpl("JVM_WaitForReferencePendingList"); }
void JVM_Yield(void) { unimpl("JVM_Yield"); }
