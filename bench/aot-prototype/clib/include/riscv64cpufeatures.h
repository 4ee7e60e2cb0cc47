/* As amd64cpufeatures.h; the builder checks every architecture's header. */
typedef struct {
  char fI;
  char fM;
  char fA;
  char fF;
  char fD;
  char fC;
  char fV;
} CPUFeatures;
