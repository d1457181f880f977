//! Coefficients on the host, and their safetensors files (interoperable with PyTorch).
//!
//! Tensor names are the tutorial's: `wt_hidden` `[n_inputs, h1]`, `wt_output` `[h_last, 1]`,
//! `bias_output` (`[]`, as PyTorch writes a 0-d tensor, or `[1]`), all f32. A deeper network
//! names its further hidden layers `wt_hidden_2` `[h1, h2]`, `wt_hidden_3` `[h2, h3]`, ...

use crate::error::{Error, Result};
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use std::path::Path;

/// A row-major f32 matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub values: Vec<f32>,
}

impl Matrix {
    pub fn new(rows: usize, cols: usize, values: Vec<f32>) -> Self {
        debug_assert_eq!(values.len(), rows * cols);
        Matrix { rows, cols, values }
    }

    pub fn shape(&self) -> [usize; 2] {
        [self.rows, self.cols]
    }

    /// `self · other`; `None` when the shapes do not chain.
    pub fn times(&self, other: &Matrix) -> Option<Matrix> {
        if self.cols != other.rows {
            return None;
        }
        let mut values = vec![0.0; self.rows * other.cols];
        for (i, row) in self.values.chunks(self.cols.max(1)).enumerate() {
            for (k, &a) in row.iter().enumerate() {
                let from = &other.values[k * other.cols..(k + 1) * other.cols];
                for (out, &b) in values[i * other.cols..].iter_mut().zip(from) {
                    *out += a * b;
                }
            }
        }
        Some(Matrix::new(self.rows, other.cols, values))
    }
}

/// The network's coefficients as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub hidden: Vec<Matrix>,
    pub output: Matrix,
    pub bias: f32,
}

pub const HIDDEN: &str = "wt_hidden";
pub const OUTPUT: &str = "wt_output";
pub const BIAS: &str = "bias_output";

/// The file name of hidden layer `index` (0-based).
pub fn hidden_name(index: usize) -> String {
    match index {
        0 => HIDDEN.to_string(),
        i => format!("{HIDDEN}_{}", i + 1),
    }
}

/// The coefficient tensors' names for `hidden_layers` hidden layers, in the order of
/// `StepStats` (`super::dynamics`): `wt_hidden`, `wt_hidden_2`, ..., `wt_output`, `bias_output`.
pub fn tensor_names(hidden_layers: usize) -> Vec<String> {
    (0..hidden_layers)
        .map(hidden_name)
        .chain([OUTPUT.to_string(), BIAS.to_string()])
        .collect()
}

/// ` at [i, j, ..]`, the index of element `flat` of a row-major tensor of `shape`; nothing for
/// a scalar.
fn index_text(flat: usize, shape: &[usize]) -> String {
    if shape.is_empty() {
        return String::new();
    }
    let mut rest = flat;
    let mut index = vec![0; shape.len()];
    for (i, &size) in shape.iter().enumerate().rev() {
        index[i] = rest % size.max(1);
        rest /= size.max(1);
    }
    format!(" at {index:?}")
}

fn shape_text(shape: &[usize]) -> String {
    format!("{shape:?}")
}

impl Weights {
    pub fn n_inputs(&self) -> usize {
        self.hidden.first().map_or(self.output.rows, |m| m.rows)
    }

    pub fn hidden_sizes(&self) -> Vec<usize> {
        self.hidden.iter().map(|m| m.cols).collect()
    }

    /// The product of the weight matrices, `wt_hidden · wt_hidden_2 · … · wt_output`
    /// (`[n_inputs, 1]`): with linear hidden units the network is one linear map,
    /// `sigmoid(x · W + bias_output)`, and this is its `W`. `None` when the shapes do not chain.
    pub fn linear_map(&self) -> Option<Matrix> {
        let mut layers = self.hidden.iter().chain([&self.output]);
        let mut product = layers.next()?.clone();
        for next in layers {
            product = product.times(next)?;
        }
        Some(product)
    }

    /// Every tensor with its file name, in network order.
    pub fn named(&self) -> Vec<(String, &[f32], Vec<usize>)> {
        let mut named: Vec<(String, &[f32], Vec<usize>)> = self
            .hidden
            .iter()
            .enumerate()
            .map(|(i, m)| (hidden_name(i), m.values.as_slice(), m.shape().to_vec()))
            .collect();
        named.push((
            OUTPUT.to_string(),
            &self.output.values,
            self.output.shape().to_vec(),
        ));
        named.push((BIAS.to_string(), std::slice::from_ref(&self.bias), vec![]));
        named
    }

    /// Reads a safetensors file, such as one written by `safetensors.torch.save_file`.
    pub fn load(path: &Path) -> Result<Self> {
        let problem = |problem: &dyn std::fmt::Display| {
            Error::Weights(format!("--init {}: {problem}", path.display()))
        };
        let bytes = crate::files::read_safetensors(path).map_err(|unfit| {
            unfit.error(path, |unfit| match unfit {
                crate::files::Unfit::NotAFile => problem(&format!("{unfit}: give a weights file")),
                unfit => problem(&unfit),
            })
        })?;
        Self::from_bytes(&bytes).map_err(|e| problem(&e))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let file =
            SafeTensors::deserialize(bytes).map_err(|e| format!("not a safetensors file ({e})"))?;
        let names = file.names();
        let tensor = |name: &str| -> Result<(Vec<f32>, Vec<usize>), String> {
            let view = file.tensor(name).map_err(|_| {
                let mut found: Vec<&str> = names.clone();
                found.sort_unstable();
                format!(
                    "no tensor '{name}' (found {}; expected {HIDDEN}, {OUTPUT}, {BIAS})",
                    found.join(", ")
                )
            })?;
            if view.dtype() != Dtype::F32 {
                return Err(format!(
                    "tensor '{name}' is {:?}, expected F32 (save it with .float())",
                    view.dtype()
                ));
            }
            let values: Vec<f32> = view
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            if let Some(at) = values.iter().position(|v| !v.is_finite()) {
                return Err(format!(
                    "tensor '{name}' holds {}{} (every coefficient must be a finite number; was it saved from a run that diverged?)",
                    values[at],
                    index_text(at, view.shape())
                ));
            }
            Ok((values, view.shape().to_vec()))
        };
        let matrix = |name: &str, rows: Option<usize>, cols: Option<usize>| {
            let (values, shape) = tensor(name)?;
            if shape.contains(&0) {
                return Err(format!(
                    "tensor '{name}' has shape {}: every dimension must be at least 1",
                    shape_text(&shape)
                ));
            }
            match shape.as_slice() {
                &[r, c] if rows.is_none_or(|e| e == r) && cols.is_none_or(|e| e == c) => {
                    Ok(Matrix::new(r, c, values))
                }
                _ => {
                    let dim = |d: Option<usize>| d.map_or("n".to_string(), |d| d.to_string());
                    Err(format!(
                        "tensor '{name}' has shape {}, expected [{}, {}]",
                        shape_text(&shape),
                        dim(rows),
                        dim(cols)
                    ))
                }
            }
        };
        let mut hidden: Vec<Matrix> = Vec::new();
        while names.contains(&hidden_name(hidden.len()).as_str()) {
            let rows = hidden.last().map(|m| m.cols);
            hidden.push(matrix(&hidden_name(hidden.len()), rows, None)?);
        }
        let output = matrix(OUTPUT, hidden.last().map(|m| m.cols), Some(1))?;
        let (bias, shape) = tensor(BIAS)?;
        let ([] | [1] | [1, 1], &[bias]) = (shape.as_slice(), bias.as_slice()) else {
            return Err(format!(
                "tensor '{BIAS}' has shape {}, expected [] or [1]",
                shape_text(&shape)
            ));
        };
        Ok(Weights {
            hidden,
            output,
            bias,
        })
    }

    /// Checks that these weights fit a network with `n_inputs` features and, when given,
    /// the hidden sizes `hidden`.
    pub fn check_shape(&self, n_inputs: usize, hidden: Option<&[usize]>) -> Result<(), String> {
        let found = self.hidden_sizes();
        if let Some(expected) = hidden
            && expected != found.as_slice()
        {
            return Err(format!(
                "hidden layer sizes {found:?}, but --hidden asks for {expected:?}"
            ));
        }
        if self.n_inputs() != n_inputs {
            let name = if self.hidden.is_empty() {
                OUTPUT
            } else {
                HIDDEN
            };
            let cols = found.first().copied().unwrap_or(1);
            return Err(format!(
                "tensor '{name}' has shape [{}, {cols}], expected [{n_inputs}, {cols}] (the data has {n_inputs} features)",
                self.n_inputs()
            ));
        }
        Ok(())
    }

    /// Writes the coefficients to `path` as safetensors.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.write_to(crate::files::Staged::create(path)?)
    }

    /// Writes the coefficients into `file`, which appears whole once they are all written.
    pub fn write_to(&self, mut file: crate::files::Staged) -> Result<()> {
        use std::io::Write;
        let bytes = self.to_bytes().map_err(Error::Weights)?;
        file.write_all(&bytes)
            .map_err(|e| crate::files::write_error(file.path(), e))?;
        file.commit()
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let named = self.named();
        let bytes: Vec<Vec<u8>> = named
            .iter()
            .map(|(_, values, _)| values.iter().flat_map(|v| v.to_le_bytes()).collect())
            .collect();
        let views = named
            .iter()
            .zip(&bytes)
            .map(|((name, _, shape), data)| {
                TensorView::new(Dtype::F32, shape.clone(), data).map(|view| (name.clone(), view))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        safetensors::serialize(views, None).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(hidden: &[usize]) -> Weights {
        crate::model::network::init_weights(3, hidden, 1)
    }

    #[test]
    fn files_round_trip_for_deep_networks() {
        for sizes in [&[4][..], &[4, 2, 5], &[]] {
            let w = weights(sizes);
            let back = Weights::from_bytes(&w.to_bytes().unwrap()).unwrap();
            assert_eq!(back, w);
        }
    }

    #[test]
    fn wrong_shapes_and_names_are_explained() {
        let w = weights(&[4]);
        assert_eq!(
            w.check_shape(5, None).unwrap_err(),
            "tensor 'wt_hidden' has shape [3, 4], expected [5, 4] (the data has 5 features)"
        );
        assert_eq!(
            w.check_shape(3, Some(&[8])).unwrap_err(),
            "hidden layer sizes [4], but --hidden asks for [8]"
        );
        assert!(w.check_shape(3, Some(&[4])).is_ok());
        assert!(
            Weights::from_bytes(b"garbage")
                .unwrap_err()
                .starts_with("not a safetensors file")
        );
        let empty = [(
            "wt_hidden",
            TensorView::new(Dtype::F32, vec![12, 0], &[]).unwrap(),
        )];
        let bytes = safetensors::serialize(empty, None).unwrap();
        assert_eq!(
            Weights::from_bytes(&bytes).unwrap_err(),
            "tensor 'wt_hidden' has shape [12, 0]: every dimension must be at least 1"
        );
        let data = [0u8; 8];
        let only = [(
            "wt_other",
            TensorView::new(Dtype::F32, vec![2], &data).unwrap(),
        )];
        let bytes = safetensors::serialize(only, None).unwrap();
        assert_eq!(
            Weights::from_bytes(&bytes).unwrap_err(),
            "no tensor 'wt_output' (found wt_other; expected wt_hidden, wt_output, bias_output)"
        );
    }
}
