/** A dense row-major feature matrix. Missing inputs are NaN (never 0). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array; // rows * cols, row-major
}

function matrixFromRows(rows: readonly (readonly number[] | Float64Array)[], cols: number): Matrix {
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`row ${i} has ${r.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j] as number;
  });
  return { rows: rows.length, cols, data };
}

function selectRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const data = new Float64Array(idx.length * m.cols);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k] as number;
    data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { rows: idx.length, cols: m.cols, data };
}

function rowOf(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
