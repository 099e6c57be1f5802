// OpenBLAS's CBLAS interface (Debian: libopenblas-dev puts cblas.h on the multiarch include path).
#include <cblas.h>
#include <stddef.h>

// LAPACK from the same library (Debian's libopenblas0 ships LAPACK inside libopenblas.so), through its Fortran
// interface: every argument by pointer, column-major storage, 32-bit integers (Debian builds OpenBLAS without
// OPENBLAS_USE64BITINT, so blasint is int). The trailing size_t is the hidden length of the character argument that
// gfortran-compiled routines expect (LAPACK_FORTRAN_STRLEN_END in reference LAPACK's lapack.h); routines OpenBLAS
// implements in C ignore it.

// Cholesky factorisation A = UᵀU (uplo "U") or L Lᵀ (uplo "L") of a symmetric positive-definite matrix, in place;
// info > 0: the leading minor of that order is not positive definite.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_length);

// Solves A X = B for nrhs right-hand sides given dpotrf's factor of A; B is overwritten by X.
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
             const int *ldb, int *info, size_t uplo_length);

// A⁻¹ from dpotrf's factor of A, in place, in the same triangle; info > 0: a diagonal element of the factor is 0.
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_length);
