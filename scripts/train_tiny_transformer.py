#!/usr/bin/env python3
"""Trains two tiny BERT-style encoders (seeds 1 and 2) and exports them to ONNX with a WordPiece tokenizer.json.

    /usr/bin/python3 scripts/train_tiny_transformer.py [--out test/unit/engine/models/transformers/fixtures]

Plain torch.nn (no `transformers` package), CPU, deterministic, ≈ 10 s of CPU. Writes

    <out>/tiny-bert-seed<s>/model.onnx       opset 17, inputs input_ids, attention_mask, token_type_ids: int64 [N, 16];
                                             values named embeddings, layer0, layer1 ([N, T, 32], after each block's
                                             LayerNorm) and pooler ([N, 32], tanh of a dense layer on [CLS])
    <out>/tiny-bert-seed<s>/tokenizer.json   Hugging Face BertTokenizerFast format (lowercase, WordPiece, [CLS] … [SEP])
    <out>/tiny-bert-seed1-dynamic/           seed 1 again with a dynamic sequence length T (as optimum exports it),
                                             with a tokenizer_config.json giving model_max_length 16
    <out>/probe.txt                          200 sentences, one a line (the text probe of the tests)
    <out>/probe.jsonl                        the same sentences as {"text": …} lines
    <out>/reference-tokens.json              this script's own tokenisation of probe.txt and a few edge cases
                                             (ids, attention mask, type ids at length 16): what the JS tokenizer must match

The task is masked-token prediction on sentences from a small grammar, so both seeds learn the same knowledge
from different initialisations. PyTorch is the reference exporter here, never a runtime dependency of kc.
"""
import argparse
import json
import math
import os
import random
import re
import unicodedata

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEQ_LEN = 16
HIDDEN = 32
HEADS = 2
LAYERS = 2
FFN = 64
STEPS = 400

SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
WORDS = (
    'the a cat dog bird fish child teacher runs sees likes eats chases finds small big red green happy old '
    'quickly slowly and but . , ! ? in on under near house tree park river'
).split()
# Word pieces, so that plural and -ing forms exercise WordPiece's continuation tokens.
PIECES = ['##s', '##ing', '##ed', '##er']
VOCAB = SPECIAL + WORDS + PIECES
NOUNS = 'cat dog bird fish child teacher house tree park river'.split()
VERBS = 'runs sees likes eats chases finds'.split()
ADJS = 'small big red green happy old'.split()
PREPS = 'in on under near'.split()


def sentence(rng):
    """One sentence of the grammar, in surface form (plurals and -ing forms split by WordPiece)."""
    def np_():
        words = [rng.choice(['the', 'a'])]
        if rng.random() < 0.6:
            words.append(rng.choice(ADJS))
        noun = rng.choice(NOUNS)
        words.append(noun + ('s' if rng.random() < 0.3 else ''))
        return words

    words = np_() + [rng.choice(VERBS)] + np_()
    if rng.random() < 0.4:
        words += [rng.choice(PREPS)] + np_()
    if rng.random() < 0.2:
        words.append(rng.choice(['quickly', 'slowly']))
    text = ' '.join(words) + rng.choice(['.', '!', '?', ' .'])
    return text[0].upper() + text[1:] if rng.random() < 0.5 else text


# --- the reference BERT tokenisation (BasicTokenizer + WordPiece), as Hugging Face's BertTokenizer does it ---

def basic_tokens(text):
    text = unicodedata.normalize('NFD', text.lower())
    text = ''.join(c for c in text if unicodedata.category(c) != 'Mn')
    out = []
    for word in text.split():
        out += [t for t in re.split(r'([^\w\s]|_)', word) if t]
    return out


def wordpiece(word, vocab):
    if len(word) > 100:
        return ['[UNK]']
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = ('##' if start > 0 else '') + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return ['[UNK]']
        pieces.append(found)
        start = end
    return pieces


def encode(text, vocab, length=SEQ_LEN):
    tokens = [p for w in basic_tokens(text) for p in wordpiece(w, vocab)]
    tokens = ['[CLS]'] + tokens[: length - 2] + ['[SEP]']
    ids = [vocab[t] for t in tokens]
    mask = [1] * len(ids)
    pad = length - len(ids)
    return ids + [0] * pad, mask + [0] * pad, [0] * length


def tokenizer_json():
    """A tokenizer.json as BertTokenizerFast saves it (the parts a WordPiece BERT tokenizer has)."""
    vocab = {t: i for i, t in enumerate(VOCAB)}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [
            {'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False,
             'special': True}
            for i, t in enumerate(SPECIAL)
        ],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [vocab[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': vocab},
    }


# --- the encoder ---

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)
        self.out = nn.Linear(HIDDEN, HIDDEN)
        self.norm1 = nn.LayerNorm(HIDDEN)
        self.ff1 = nn.Linear(HIDDEN, FFN)
        self.ff2 = nn.Linear(FFN, HIDDEN)
        self.norm2 = nn.LayerNorm(HIDDEN)

    def forward(self, x, bias):
        n, t, _ = x.shape
        q, k, v = self.qkv(x).view(n, t, 3, HEADS, HIDDEN // HEADS).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias
        a = (scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, HIDDEN)
        x = self.norm1(x + self.out(a))
        return self.norm2(x + self.ff2(F.gelu(self.ff1(x))))


class TinyBert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word = nn.Embedding(len(VOCAB), HIDDEN)
        self.position = nn.Embedding(SEQ_LEN, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.pool = nn.Linear(HIDDEN, HIDDEN)
        self.head = nn.Linear(HIDDEN, len(VOCAB))

    def encode(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.norm(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        hidden = [x]
        for block in self.blocks:
            x = block(x, bias)
            hidden.append(x)
        return hidden

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encode(input_ids, attention_mask, token_type_ids)
        return self.head(hidden[-1]), torch.tanh(self.pool(hidden[-1][:, 0]))


def train(seed, corpus, vocab):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = TinyBert()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    encoded = [encode(t, vocab) for t in corpus]
    ids = torch.tensor([e[0] for e in encoded])
    mask = torch.tensor([e[1] for e in encoded])
    types = torch.tensor([e[2] for e in encoded])
    for step in range(STEPS):
        batch = torch.tensor(rng.sample(range(len(corpus)), 64))
        x, m, y = ids[batch].clone(), mask[batch], ids[batch]
        chosen = (torch.rand(x.shape) < 0.15) & (m == 1) & (x > 4)
        x[chosen] = vocab['[MASK]']
        logits, _ = model(x, m, types[batch])
        loss = F.cross_entropy(logits[chosen], y[chosen])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f'seed {seed}: masked-token loss {loss.item():.3f} after {STEPS} steps')
    return model


class Export(nn.Module):
    """The encoder with its probe points as named outputs (ONNX keeps the names of graph outputs)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.model.encode(input_ids, attention_mask, token_type_ids)
        pooler = torch.tanh(self.model.pool(hidden[-1][:, 0]))
        return (self.model.head(hidden[-1]), pooler, *hidden)


def export(model, path, dynamic_length=False):
    """ONNX with a dynamic batch; with `dynamic_length` the sequence length T is dynamic too (as optimum exports)."""
    model.eval()
    dummy = torch.ones(2, SEQ_LEN, dtype=torch.long)
    outputs = ['logits', 'pooler', 'embeddings'] + [f'layer{i}' for i in range(LAYERS)]
    axes = {name: {0: 'N'} for name in ['input_ids', 'attention_mask', 'token_type_ids'] + outputs}
    if dynamic_length:
        for name in ['input_ids', 'attention_mask', 'token_type_ids', 'logits', 'embeddings'] + outputs[3:]:
            axes[name][1] = 'T'
    torch.onnx.export(Export(model), (dummy, dummy, torch.zeros_like(dummy)), path, opset_version=17,
                      input_names=['input_ids', 'attention_mask', 'token_type_ids'],
                      output_names=outputs, dynamic_axes=axes, do_constant_folding=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=os.path.join(ROOT, 'test', 'unit', 'transformers', 'fixtures'))
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    vocab = {t: i for i, t in enumerate(VOCAB)}
    rng = random.Random(0)
    corpus = [sentence(rng) for _ in range(2000)]
    probe = [sentence(random.Random(10_000 + i)) for i in range(200)]
    os.makedirs(args.out, exist_ok=True)
    for seed in (1, 2):
        folder = os.path.join(args.out, f'tiny-bert-seed{seed}')
        os.makedirs(folder, exist_ok=True)
        model = train(seed, corpus, vocab)
        export(model, os.path.join(folder, 'model.onnx'))
        with open(os.path.join(folder, 'tokenizer.json'), 'w') as f:
            json.dump(tokenizer_json(), f, indent=1)
        if seed == 1:
            # the same weights with a dynamic sequence length, as Hugging Face optimum exports them; its
            # tokenizer_config.json says how many positions the model has, as save_pretrained writes it
            dynamic = os.path.join(args.out, 'tiny-bert-seed1-dynamic')
            os.makedirs(dynamic, exist_ok=True)
            export(model, os.path.join(dynamic, 'model.onnx'), dynamic_length=True)
            with open(os.path.join(dynamic, 'tokenizer.json'), 'w') as f:
                json.dump(tokenizer_json(), f, indent=1)
            with open(os.path.join(dynamic, 'tokenizer_config.json'), 'w') as f:
                json.dump({'tokenizer_class': 'BertTokenizer', 'model_max_length': SEQ_LEN}, f, indent=1)
    with open(os.path.join(args.out, 'probe.txt'), 'w') as f:
        f.write('\n'.join(probe) + '\n')
    with open(os.path.join(args.out, 'probe.jsonl'), 'w') as f:
        f.write(''.join(json.dumps({'text': t, 'id': i}) + '\n' for i, t in enumerate(probe)))
    edge = ['Cats chasing birds!', 'THE DOGS, near trees?', 'an unknown zebra walks', 'ÀÉÎ the café',
            'the big red dog sees the small green cat in the old house near the river quickly .']
    reference = [{'text': t, **dict(zip(('input_ids', 'attention_mask', 'token_type_ids'), encode(t, vocab)))}
                 for t in edge + probe]
    with open(os.path.join(args.out, 'reference-tokens.json'), 'w') as f:
        json.dump({'length': SEQ_LEN, 'samples': reference}, f)


if __name__ == '__main__':
    main()
