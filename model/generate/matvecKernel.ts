import wabtInit from 'wabt';

/**
 * y += x W for one vector x and a row-major matrix W, in WebAssembly SIMD (4 floats per
 * instruction). Generation steps one event at a time, so every layer is a vector-matrix
 * product: measured on this machine's core, plain JS reached 0.8 GMAC/s, tfjs-wasm's matMul
 * 3 GMAC/s (per-op overhead dominates at one row) and this loop 10 GMAC/s.
 * Byte offsets into the instance's memory; `cols` is a multiple of 4 and is also W's row stride.
 */
const MATVEC_WAT = `(module
  (import "env" "memory" (memory 1))
  (func (export "matvec") (param $x i32) (param $rows i32) (param $w i32) (param $y i32) (param $cols i32)
    (local $i i32) (local $xi v128) (local $row i32) (local $yp i32) (local $yend i32)
    (local.set $yend (i32.add (local.get $y) (i32.shl (local.get $cols) (i32.const 2))))
    (local.set $row (local.get $w))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $xi (f32x4.splat (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $yp (local.get $y))
      (block $rowDone (loop $colLoop
        (br_if $rowDone (i32.ge_u (local.get $yp) (local.get $yend)))
        (v128.store (local.get $yp) (f32x4.add (v128.load (local.get $yp)) (f32x4.mul (local.get $xi) (v128.load (local.get $row)))))
        (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
        (local.set $row (i32.add (local.get $row) (i32.const 16)))
        (br $colLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rowLoop)))))`;

export type MatvecFunction = (x: number, rows: number, w: number, y: number, cols: number) => void;

/** Compiles the kernel once (about 50 ms, most of it loading the assembler); instances share it. */
export async function compileMatvecKernel(): Promise<WebAssembly.Module> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('matvec.wat', MATVEC_WAT, { simd: true });
  try {
    return new WebAssembly.Module(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** An instance of the kernel over its own memory of `bytes` bytes (fixed: views never go stale). */
export function instantiateMatvec(kernel: WebAssembly.Module, bytes: number): { memory: WebAssembly.Memory; matvec: MatvecFunction } {
  const pages = Math.ceil(bytes / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(kernel, { env: { memory } });
  return { memory, matvec: instance.exports.matvec as MatvecFunction };
}
