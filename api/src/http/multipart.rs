//! GraphQL multipart requests (the upload spec), read strictly.
//!
//! async-graphql's reader buffers every part with a file name into its own
//! temporary file before it looks at the map, so one request of 30,000 tiny
//! parts held 30,000 open files. Here the parts must come as the spec orders
//! them (`operations`, `map`, then the files), and every file part must be
//! one the map declares, once: the first part beyond that ends the request,
//! so at most `max_files` temporary files ever exist for it. They are
//! anonymous (unlinked at once), so nothing is left on disk whatever happens.

use std::collections::HashMap;
use std::path::Path;

use async_graphql::{BatchRequest, UploadValue};
use bytes::Bytes;
use futures_util::Stream;
use tokio::io::AsyncWriteExt;

/// Why a multipart request was refused. None carries library or OS text.
#[derive(Debug)]
pub enum MultipartError {
    /// Over the size limit.
    TooLarge,
    /// More files or parts than the map declares, or more than allowed.
    TooManyParts,
    /// Not a well-formed request; the detail is ours, in English.
    Malformed(&'static str),
    /// Buffering a file failed (disk full, no descriptors): INTERNAL.
    Buffer(std::io::Error),
}

/// Where map paths may point, in total: each costs a descriptor.
const MAX_PATHS_PER_FILE: usize = 4;

pub async fn receive<S>(
    body: S,
    boundary: String,
    max_file_bytes: u64,
    max_json_bytes: usize,
    max_files: usize,
    temp_dir: Option<&Path>,
) -> Result<BatchRequest, MultipartError>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().per_field(max_file_bytes));
    let mut multipart = multer::Multipart::with_constraints(body, boundary, constraints);

    let operations = next_part(&mut multipart)
        .await?
        .ok_or(MultipartError::Malformed("the request has no `operations` part"))?;
    if operations.name() != Some("operations") {
        return Err(MultipartError::Malformed("the first part must be `operations`"));
    }
    let operations = read_small(operations, max_json_bytes).await?;
    let mut batch: BatchRequest = serde_json::from_slice(&operations)
        .map_err(|_| MultipartError::Malformed("the `operations` part is not a GraphQL request"))?;

    let map = next_part(&mut multipart)
        .await?
        .ok_or(MultipartError::Malformed("the request has no `map` part"))?;
    if map.name() != Some("map") {
        return Err(MultipartError::Malformed("the second part must be `map`"));
    }
    let map = read_small(map, max_json_bytes).await?;
    let mut map: HashMap<String, Vec<String>> = serde_json::from_slice(&map)
        .map_err(|_| MultipartError::Malformed("the `map` part is not a JSON map of files to paths"))?;
    if map.len() > max_files || map.values().any(|paths| paths.len() > MAX_PATHS_PER_FILE) {
        return Err(MultipartError::TooManyParts);
    }
    // Files go only where the operations declare an `Upload` variable.
    let declared = declared_uploads(&mut batch);
    if !map.values().flatten().all(|path| declared.accepts(path)) {
        return Err(MultipartError::Malformed(
            "the map names a place that is not an Upload variable of the operation",
        ));
    }

    while let Some(mut field) = next_part(&mut multipart).await? {
        // A part the map does not declare (or declares once and is sent
        // again) ends the request before anything is buffered for it.
        let Some(paths) = field.name().and_then(|name| map.remove(name)) else {
            return Err(MultipartError::TooManyParts);
        };
        let filename = field.file_name().unwrap_or_default().to_owned();
        let content_type = field.content_type().map(ToString::to_string);
        let file = match temp_dir {
            Some(dir) => tempfile::tempfile_in(dir),
            None => tempfile::tempfile(),
        }
        .map_err(MultipartError::Buffer)?;
        let mut file = tokio::fs::File::from_std(file);
        while let Some(chunk) = field.chunk().await.map_err(from_multer)? {
            file.write_all(&chunk).await.map_err(MultipartError::Buffer)?;
        }
        file.flush().await.map_err(MultipartError::Buffer)?;
        let mut file = file.into_std().await;
        std::io::Seek::rewind(&mut file).map_err(MultipartError::Buffer)?;
        let upload = UploadValue {
            filename,
            content_type,
            content: file,
        };
        for path in paths {
            let copy = upload.try_clone().map_err(MultipartError::Buffer)?;
            match &mut batch {
                BatchRequest::Single(request) => request.set_upload(&path, copy),
                BatchRequest::Batch(requests) => {
                    let (index, path) = path
                        .split_once('.')
                        .and_then(|(i, p)| Some((i.parse::<usize>().ok()?, p)))
                        .ok_or(MultipartError::Malformed("a map path does not name an operation"))?;
                    let request = requests
                        .get_mut(index)
                        .ok_or(MultipartError::Malformed("a map path names a missing operation"))?;
                    request.set_upload(path, copy);
                }
            }
        }
    }
    if !map.is_empty() {
        return Err(MultipartError::Malformed("a file the map declares is missing"));
    }
    Ok(batch)
}

/// The `Upload` variables of a request's operations, as map paths see them.
struct DeclaredUploads {
    /// (operation index in a batch, variable name, whether it is a list)
    variables: Vec<(Option<usize>, String, bool)>,
}

impl DeclaredUploads {
    /// `variables.file`, `variables.files.3`, or in a batch `1.variables.file`.
    fn accepts(&self, path: &str) -> bool {
        let mut parts = path.split('.');
        let first = parts.next();
        let (index, rest) = match first.and_then(|p| p.parse::<usize>().ok()) {
            Some(index) => (Some(index), parts.next()),
            None => (None, first),
        };
        if rest != Some("variables") {
            return false;
        }
        let Some(name) = parts.next() else {
            return false;
        };
        let element = parts.next();
        if parts.next().is_some() {
            return false;
        }
        self.variables.iter().any(|(i, n, list)| {
            *i == index
                && n == name
                && match element {
                    None => !list,
                    Some(e) => *list && e.parse::<usize>().is_ok(),
                }
        })
    }
}

fn declared_uploads(batch: &mut BatchRequest) -> DeclaredUploads {
    use async_graphql::parser::types::{BaseType, DocumentOperations};
    fn is_upload(ty: &async_graphql::parser::types::Type) -> Option<bool> {
        match &ty.base {
            BaseType::Named(name) if name.as_str() == "Upload" => Some(false),
            BaseType::List(inner) => match &inner.base {
                BaseType::Named(name) if name.as_str() == "Upload" => Some(true),
                _ => None,
            },
            BaseType::Named(_) => None,
        }
    }
    let mut variables = Vec::new();
    let requests: Vec<(Option<usize>, &mut async_graphql::Request)> = match batch {
        BatchRequest::Single(request) => vec![(None, request)],
        BatchRequest::Batch(requests) => requests
            .iter_mut()
            .enumerate()
            .map(|(i, r)| (Some(i), r))
            .collect(),
    };
    for (index, request) in requests {
        let Ok(document) = request.parsed_query() else {
            continue;
        };
        let operations: Vec<_> = match &document.operations {
            DocumentOperations::Single(op) => vec![op],
            DocumentOperations::Multiple(ops) => ops.values().collect(),
        };
        for op in operations {
            for variable in &op.node.variable_definitions {
                if let Some(list) = is_upload(&variable.node.var_type.node) {
                    variables.push((index, variable.node.name.node.to_string(), list));
                }
            }
        }
    }
    DeclaredUploads { variables }
}

async fn next_part<'r>(
    multipart: &mut multer::Multipart<'r>,
) -> Result<Option<multer::Field<'r>>, MultipartError> {
    multipart.next_field().await.map_err(from_multer)
}

async fn read_small(mut field: multer::Field<'_>, max: usize) -> Result<Vec<u8>, MultipartError> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(from_multer)? {
        if out.len() + chunk.len() > max {
            return Err(MultipartError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn from_multer(error: multer::Error) -> MultipartError {
    match error {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            MultipartError::TooLarge
        }
        // The body stream failed: over the body limit (the handler knows), or
        // the client went away.
        multer::Error::StreamReadFailed(_) => MultipartError::Malformed("the request body ended early"),
        _ => MultipartError::Malformed("the multipart body is malformed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(query: &str) -> DeclaredUploads {
        declared_uploads(&mut BatchRequest::Single(async_graphql::Request::new(query)))
    }

    #[test]
    fn files_go_only_to_declared_upload_variables() {
        let one = declared("mutation($d: ID!, $file: Upload!) { a(d: $d, f: $file) }");
        assert!(one.accepts("variables.file"));
        assert!(!one.accepts("variables.d"));
        assert!(!one.accepts("variables.file.0"));
        assert!(!one.accepts("variables.other"));
        assert!(!one.accepts("query"));
        let many = declared("mutation($files: [Upload!]!) { a(f: $files) }");
        assert!(many.accepts("variables.files.3"));
        assert!(!many.accepts("variables.files"));
        let mut batch = BatchRequest::Batch(vec![
            async_graphql::Request::new("{ a }"),
            async_graphql::Request::new("mutation($f: Upload) { a(f: $f) }"),
        ]);
        let both = declared_uploads(&mut batch);
        assert!(both.accepts("1.variables.f"));
        assert!(!both.accepts("0.variables.f"));
        assert!(!both.accepts("variables.f"));
    }
}
