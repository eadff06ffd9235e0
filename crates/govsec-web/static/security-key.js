// govsec's security-key script: talks to a WebAuthn/FIDO2 key for the forms that ask for one.
//
// A form marked data-webauthn="create" (registering a key) or data-webauthn="get" (signing in)
// carries the server's options as JSON in data-options. On submit, this script turns the
// base64url fields of the options into bytes, asks navigator.credentials, turns the bytes of
// the answer back into base64url, puts the JSON in the form's "answer" field and submits the
// form. The server keeps the challenge and checks everything; this script only carries bytes.
// It is loaded as a file from govsec itself: the pages' policy allows no inline script.
"use strict";

(function () {
  // base64url (RFC 4648 §5) without padding, as WebAuthn's JSON forms use it.
  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4 !== 0) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The browser refuses null where a dictionary member expects a value, so absent members
  // are left out rather than sent as null.
  function withoutNulls(value) {
    if (Array.isArray(value)) {
      return value.map(withoutNulls);
    }
    if (value !== null && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) {
        if (value[key] !== null) {
          copy[key] = withoutNulls(value[key]);
        }
      });
      return copy;
    }
    return value;
  }

  function withByteIds(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      var copy = Object.assign({}, descriptor);
      copy.id = toBytes(descriptor.id);
      return copy;
    });
  }

  function creationOptions(options) {
    var key = withoutNulls(options.publicKey);
    key.challenge = toBytes(key.challenge);
    key.user.id = toBytes(key.user.id);
    key.excludeCredentials = withByteIds(key.excludeCredentials);
    return { publicKey: key };
  }

  function requestOptions(options) {
    var key = withoutNulls(options.publicKey);
    key.challenge = toBytes(key.challenge);
    key.allowCredentials = withByteIds(key.allowCredentials);
    return { publicKey: key };
  }

  function created(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toText(response.attestationObject),
        clientDataJSON: toText(response.clientDataJSON),
        transports: response.getTransports ? response.getTransports() : []
      },
      extensions: credential.getClientExtensionResults()
    };
  }

  function asserted(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toText(response.authenticatorData),
        clientDataJSON: toText(response.clientDataJSON),
        signature: toText(response.signature),
        userHandle: response.userHandle ? toText(response.userHandle) : null
      },
      extensions: credential.getClientExtensionResults()
    };
  }

  function ask(form) {
    var options = JSON.parse(form.getAttribute("data-options"));
    if (form.getAttribute("data-webauthn") === "create") {
      return navigator.credentials.create(creationOptions(options)).then(created);
    }
    return navigator.credentials.get(requestOptions(options)).then(asserted);
  }

  function prepare(form) {
    var status = form.querySelector(".status");
    var busy = false;
    form.addEventListener("submit", function (event) {
      // Without WebAuthn the form goes as it is, and the server says what is missing.
      if (!window.PublicKeyCredential || !navigator.credentials) {
        return;
      }
      event.preventDefault();
      if (busy) {
        return;
      }
      busy = true;
      status.textContent = "";
      ask(form).then(function (answer) {
        form.elements.answer.value = JSON.stringify(answer);
        form.submit();
      }, function (error) {
        busy = false;
        // The browser's name for the failure (NotAllowedError, InvalidStateError, …) helps
        // whoever the user asks for help.
        status.textContent = form.getAttribute("data-failed") + " (" + error.name + ")";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-webauthn]");
    for (var i = 0; i < forms.length; i++) {
      prepare(forms[i]);
    }
  });
})();
