/* mpi.c - replications spread over MPI ranks: rank r runs the replications k with
 * k mod size = r (on its own threads), then every rank gathers every row, so all ranks hold
 * the same results and rank 0 writes them: the output is the same, byte for byte, as one
 * process's. Built without MPI (the default), there is one rank and these do nothing. */
#include "mpi_internal.h"

#include <flow_config.h>
#include <flowsim/util.h>

#include <stdlib.h>
#include <string.h>

#if FLOW_MPI
#include <mpi.h>

static bool active(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

void flow_mpi_init(int *argc, char ***argv)
{
    MPI_Init(argc, argv);
}

void flow_mpi_finalize(void)
{
    if (active())
        MPI_Finalize();
}

int flow_mpi_rank(void)
{
    int r = 0;
    if (active())
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int flow_mpi_size(void)
{
    int n = 1;
    if (active())
        MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

long flow_mpi_broadcast(long value)
{
    if (flow_mpi_size() > 1)
        MPI_Bcast(&value, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    return value;
}

int flow__mpi_gather_rows(double *values, size_t width, size_t nrows, size_t first, int status,
                    uint64_t *events)
{
    int size = flow_mpi_size(), rank = flow_mpi_rank();
    if (size == 1)
        return status;
    int worst = status;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (events) {
        unsigned long long ev = *events, total = 0;
        MPI_Allreduce(&ev, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
        *events = total;
    }
    if (worst != 0)
        return worst;
    size_t m = width, rows = nrows - first;
    int *counts = flow_xcalloc((size_t)size, sizeof *counts), *displs = flow_xcalloc((size_t)size, sizeof *displs);
    for (size_t k = 0; k < rows; k++)
        counts[(first + k) % (size_t)size] += (int)m;
    for (int i = 1; i < size; i++)
        displs[i] = displs[i - 1] + counts[i - 1];
    double *mine = flow_xcalloc((size_t)counts[rank] + 1, sizeof *mine);
    double *all = flow_xcalloc(rows * m + 1, sizeof *all);
    size_t n = 0;
    for (size_t k = first; k < nrows; k++)
        if (k % (size_t)size == (size_t)rank)
            memcpy(mine + (n++) * m, values + k * m, m * sizeof *mine);
    MPI_Allgatherv(mine, counts[rank], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, MPI_COMM_WORLD);
    size_t *next = flow_xcalloc((size_t)size, sizeof *next);
    for (size_t k = first; k < nrows; k++) {
        size_t owner = k % (size_t)size;
        memcpy(values + k * m, all + (size_t)displs[owner] + (next[owner]++) * m, m * sizeof *all);
    }
    free(next);
    free(all);
    free(mine);
    free(counts);
    free(displs);
    return 0;
}

#else

void flow_mpi_init(int *argc, char ***argv) { (void)argc, (void)argv; }
void flow_mpi_finalize(void) {}
int flow_mpi_rank(void) { return 0; }
int flow_mpi_size(void) { return 1; }
long flow_mpi_broadcast(long value) { return value; }
int flow__mpi_gather_rows(double *values, size_t width, size_t nrows, size_t first, int status,
                    uint64_t *events)
{
    (void)values, (void)width, (void)nrows, (void)first, (void)events;
    return status;
}

#endif
