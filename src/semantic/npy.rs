//! NumPy's `.npy` array format, as far as the encoder's weights use it:
//! little-endian `float32`, `float64`, `uint8` and `int8` arrays in C order.
//!
//! ```text
//! "\x93NUMPY" | major | minor | header length (u16, or u32 from 2.0)
//! header: a Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (512, 256), }
//! data
//! ```

/// An array's type, shape and raw data.
#[derive(Debug)]
pub struct Array {
    /// The element type, as NumPy writes it (`<f4`, `|u1`…).
    pub descr: String,
    /// The dimensions.
    pub shape: Vec<usize>,
    data: Vec<u8>,
}

impl Array {
    /// Reads an `.npy` file's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Array, String> {
        if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
            return Err("not a .npy array".into());
        }
        let (header_len, start) = match bytes[6] {
            1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
            2 | 3 if bytes.len() >= 12 => (
                u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize,
                12,
            ),
            v => return Err(format!(".npy version {v} is not supported")),
        };
        let header = bytes
            .get(start..start + header_len)
            .and_then(|h| std::str::from_utf8(h).ok())
            .ok_or("truncated .npy header")?;
        let descr = quoted_value(header, "descr").ok_or("no descr in the .npy header")?;
        if header.contains("'fortran_order': True") {
            return Err("Fortran-ordered arrays are not supported".into());
        }
        let shape_at = header
            .find("'shape':")
            .ok_or("no shape in the .npy header")?;
        let open = header[shape_at..].find('(').ok_or("bad shape")? + shape_at;
        let close = header[open..].find(')').ok_or("bad shape")? + open;
        let shape = header[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<usize>().map_err(|_| format!("bad dimension {s}")))
            .collect::<Result<Vec<_>, _>>()?;
        let item = match descr.as_str() {
            "<f4" => 4,
            "<f8" => 8,
            "|u1" | "|i1" | "<u1" | "<i1" => 1,
            other => return Err(format!("element type {other} is not supported")),
        };
        let count: usize = shape.iter().product();
        let data = bytes[start + header_len..].to_vec();
        if data.len() != count * item {
            return Err(format!(
                "holds {} bytes for shape {shape:?} of {descr}",
                data.len()
            ));
        }
        Ok(Array { descr, shape, data })
    }

    /// The values as 32-bit floats (from `float32` or `float64`).
    pub fn f32s(&self) -> Result<Vec<f32>, String> {
        match self.descr.as_str() {
            "<f4" => Ok(self
                .data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect()),
            "<f8" => Ok(self
                .data
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")) as f32)
                .collect()),
            other => Err(format!("{other} values where floats were expected")),
        }
    }

    /// The bytes of a `uint8` array of the given shape.
    pub fn u8s(&self, shape: &[usize]) -> Result<&[u8], String> {
        if !matches!(self.descr.as_str(), "|u1" | "<u1") {
            return Err(format!("{} values where bytes were expected", self.descr));
        }
        if self.shape != shape {
            return Err(format!("shape {:?}, not {shape:?}", self.shape));
        }
        Ok(&self.data)
    }
}

/// The string value of `'key': '...'` in a header.
fn quoted_value(header: &str, key: &str) -> Option<String> {
    let at = header.find(&format!("'{key}':"))? + key.len() + 3;
    let rest = header[at..].trim_start();
    let rest = rest.strip_prefix('\'')?;
    Some(rest[..rest.find('\'')?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_floats_and_bytes() {
        let data: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let a = Array::parse(&npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
            &data,
        ))
        .unwrap();
        assert_eq!(a.shape, vec![2]);
        assert_eq!(a.f32s().unwrap(), vec![1.5, -2.0]);
        let b = Array::parse(&npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }",
            &[1, 2, 3, 4, 5, 6],
        ))
        .unwrap();
        assert_eq!(b.u8s(&[2, 3]).unwrap(), &[1, 2, 3, 4, 5, 6]);
        assert!(b.u8s(&[3, 2]).is_err());
        let scalar = Array::parse(&npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
            &1e-6f64.to_le_bytes(),
        ))
        .unwrap();
        assert_eq!(scalar.f32s().unwrap(), vec![1e-6f32]);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(Array::parse(b"PK\x03\x04 not an array").is_err());
        let short = npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
            &[0; 8],
        );
        assert!(Array::parse(&short).unwrap_err().contains("holds 8 bytes"));
        let fortran = npy(
            "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }",
            &[0; 4],
        );
        assert!(Array::parse(&fortran).is_err());
    }
}
