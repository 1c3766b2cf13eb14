/**
 * Posts a file as multipart to a route of the public API with the signed-in key, reporting upload progress
 * (fetch cannot report it; XMLHttpRequest can). Resolves with the status and the parsed JSON answer.
 */
export function uploadWithProgress(o: {
  path: string;
  apiKey: string;
  file: File;
  onProgress: (ratio: number) => void;
}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', o.path);
    xhr.setRequestHeader('authorization', `Bearer ${o.apiKey}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && o.onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('The upload did not reach the API.'));
    const form = new FormData();
    form.append('file', o.file);
    xhr.send(form);
  });
}
