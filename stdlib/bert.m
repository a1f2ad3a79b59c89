// A BERT-style encoder (Devlin et al., 2019) configured by hyperparameters. With the defaults
// (BERT-base: 12 layers, hidden 768, 12 heads, intermediate 3072, vocab 30522, 512 positions)
// it has 109,482,240 parameters, as Hugging Face's bert-base-uncased.

// Post-norm transformer layer: self-attention and a GELU feed-forward, each with a residual.
metamodel TransformerEncoderLayer(hidden: Int, heads: Int, intermediate: Int, eps: Float = 1e-12) {
    input x: f32[batch, seq, hidden]
    output y: f32[batch, seq, hidden]
    attention = MultiHeadAttention(heads)
    attention_norm = LayerNorm(eps = eps)
    intermediate_dense = Dense(intermediate, activation = "gelu")
    output_dense = Dense(hidden)
    output_norm = LayerNorm(eps = eps)
    dropout = Dropout(0.1)
    forward {
        a = attention_norm(x + dropout(attention(x)))
        y = output_norm(a + dropout(output_dense(intermediate_dense(a))))
    }
}

metamodel BertEncoder(layers: Int = 12, hidden: Int = 768, heads: Int = 12, intermediate: Int = 3072,
                      vocab: Int = 30522, max_positions: Int = 512, type_vocab: Int = 2, seq_len: Int = 128) {
    input ids: i64[batch, seq_len]
    output sequence: f32[batch, seq_len, hidden]
    output pooled: f32[batch, hidden]
    word_embeddings = Embedding(vocab, hidden)
    position_embeddings = Embedding(max_positions, hidden)
    token_type_embeddings = Embedding(type_vocab, hidden)
    embedding_norm = LayerNorm(eps = 1e-12)
    dropout = Dropout(0.1)
    encoder = sequentialModel(TransformerEncoderLayer(hidden, heads, intermediate), repeat = layers)
    pooler = Dense(hidden, activation = "tanh")
    forward {
        // Every token is segment 0; positions are 0 ..< seq_len.
        tokens = word_embeddings(ids) + position_embeddings(arange(seq_len)) + token_type_embeddings(zeros_like(ids))
        sequence = encoder(dropout(embedding_norm(tokens)))
        pooled = pooler(take(sequence, 0, axis = 1))
    }
}

// Sequence classification on the pooled [CLS] representation (the paper's MBERTClassifier).
metamodel BertClassifier(layers: Int = 12, hidden: Int = 768, heads: Int = 12, intermediate: Int = 3072,
                         vocab: Int = 30522, max_positions: Int = 512, seq_len: Int = 128, num_labels: Int = 2) {
    input ids: i64[batch, seq_len]
    output logits: f32[batch, num_labels]
    bert = BertEncoder(layers, hidden, heads, intermediate, vocab, max_positions, 2, seq_len)
    dropout = Dropout(0.1)
    classifier = Dense(num_labels)
    forward {
        logits = classifier(dropout(bert(ids).pooled))
    }
}

model BertBase = BertEncoder()
