	.text
	.file	"q"
	.section	.rodata.cst16,"aM",@progbits,16
	.p2align	4
.LCPI0_0:
	.long	0xc0e00000
	.long	0xc0e00000
	.long	0xc0e00000
	.long	0xc0e00000
.LCPI0_1:
	.long	0x40e00000
	.long	0x40e00000
	.long	0x40e00000
	.long	0x40e00000
.LCPI0_2:
	.long	0x437f0000
	.long	0x437f0000
	.long	0x437f0000
	.long	0x437f0000
.LCPI0_3:
	.short	255
	.short	0
	.short	255
	.short	0
	.short	255
	.short	0
	.short	255
	.short	0
.LCPI0_4:
	.zero	16
	.text
	.p2align	4, 0x90
	.type	mcc_kernel_f_3_qmatmul,@function
mcc_kernel_f_3_qmatmul:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r15
	pushq	%r14
	pushq	%r13
	pushq	%r12
	pushq	%rbx
	andq	$-64, %rsp
	subq	$4096, %rsp
	movq	%r9, 1664(%rsp)
	movq	%r8, %r14
	movq	%rcx, %r13
	movq	%rdx, %rbx
	movq	%rsi, %r12
	movq	%rdi, %r15
	leaq	3008(%rsp), %rdi
	movl	$512, %edx
	xorl	%esi, %esi
	callq	memset@PLT
	leaq	3520(%rsp), %rdi
	movl	$512, %edx
	movq	%r13, %rsi
	callq	memcpy@PLT
	movups	(%r13), %xmm1
	movups	16(%r13), %xmm2
	movups	(%r14), %xmm0
	movups	16(%r14), %xmm3
	movq	%r14, %rax
	cvtdq2ps	%xmm0, %xmm4
	cvtdq2ps	%xmm3, %xmm3
	movaps	.LCPI0_0(%rip), %xmm0
	mulps	%xmm0, %xmm4
	mulps	%xmm1, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm2, %xmm3
	movaps	%xmm4, 3008(%rsp)
	movaps	%xmm3, 3024(%rsp)
	movups	32(%r13), %xmm1
	movups	48(%r13), %xmm2
	movups	32(%r14), %xmm3
	movups	48(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3040(%rsp)
	movaps	%xmm4, 3056(%rsp)
	movups	64(%r13), %xmm1
	movups	80(%r13), %xmm2
	movups	64(%r14), %xmm3
	movups	80(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3072(%rsp)
	movaps	%xmm4, 3088(%rsp)
	movups	96(%r13), %xmm1
	movups	112(%r13), %xmm2
	movups	96(%r14), %xmm3
	movups	112(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3104(%rsp)
	movaps	%xmm4, 3120(%rsp)
	movups	128(%r13), %xmm1
	movups	144(%r13), %xmm2
	movups	128(%r14), %xmm3
	movups	144(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3136(%rsp)
	movaps	%xmm4, 3152(%rsp)
	movups	160(%r13), %xmm1
	movups	176(%r13), %xmm2
	movups	160(%r14), %xmm3
	movups	176(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3168(%rsp)
	movaps	%xmm4, 3184(%rsp)
	movups	192(%r13), %xmm1
	movups	208(%r13), %xmm2
	movups	192(%r14), %xmm3
	movups	208(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3200(%rsp)
	movaps	%xmm4, 3216(%rsp)
	movups	224(%r13), %xmm1
	movups	240(%r13), %xmm2
	movups	224(%r14), %xmm3
	movups	240(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3232(%rsp)
	movaps	%xmm4, 3248(%rsp)
	movups	256(%r13), %xmm1
	movups	272(%r13), %xmm2
	movups	256(%r14), %xmm3
	movups	272(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3264(%rsp)
	movaps	%xmm4, 3280(%rsp)
	movups	288(%r13), %xmm1
	movups	304(%r13), %xmm2
	movups	288(%r14), %xmm3
	movups	304(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3296(%rsp)
	movaps	%xmm4, 3312(%rsp)
	movups	320(%r13), %xmm1
	movups	336(%r13), %xmm2
	movups	320(%r14), %xmm3
	movups	336(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3328(%rsp)
	movaps	%xmm4, 3344(%rsp)
	movups	352(%r13), %xmm1
	movups	368(%r13), %xmm2
	movups	352(%r14), %xmm3
	movups	368(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3360(%rsp)
	movaps	%xmm4, 3376(%rsp)
	movups	384(%r13), %xmm1
	movups	400(%r13), %xmm2
	movups	384(%r14), %xmm3
	movups	400(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3392(%rsp)
	movaps	%xmm4, 3408(%rsp)
	movups	416(%r13), %xmm1
	movups	432(%r13), %xmm2
	movups	416(%r14), %xmm3
	movups	432(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3424(%rsp)
	movaps	%xmm4, 3440(%rsp)
	movups	448(%r13), %xmm1
	movups	464(%r13), %xmm2
	movups	448(%r14), %xmm3
	movups	464(%r14), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3456(%rsp)
	movaps	%xmm4, 3472(%rsp)
	movups	480(%r13), %xmm1
	movups	496(%r13), %xmm2
	movq	1664(%rsp), %r14
	movups	480(%rax), %xmm3
	movups	496(%rax), %xmm4
	cvtdq2ps	%xmm3, %xmm3
	cvtdq2ps	%xmm4, %xmm4
	mulps	%xmm0, %xmm3
	mulps	%xmm1, %xmm3
	mulps	%xmm0, %xmm4
	mulps	%xmm2, %xmm4
	movaps	%xmm3, 3488(%rsp)
	movaps	%xmm4, 3504(%rsp)
	movq	16(%rbp), %rax
	movq	(%rax), %rcx
	testq	%rcx, %rcx
	jle	.LBB0_44
	xorl	%eax, %eax
	movq	%rcx, 1672(%rsp)
	.p2align	4, 0x90
.LBB0_2:
	movq	%rax, 288(%rsp)
	xorl	%r13d, %r13d
	.p2align	4, 0x90
.LBB0_3:
	movups	(%r12,%r13,4), %xmm0
	movaps	%xmm0, 48(%rsp)
	shufps	$255, %xmm0, %xmm0
	callq	rintf@PLT
	movaps	%xmm0, 64(%rsp)
	movaps	48(%rsp), %xmm0
	movhlps	%xmm0, %xmm0
	callq	rintf@PLT
	unpcklps	64(%rsp), %xmm0
	movaps	%xmm0, 64(%rsp)
	movaps	48(%rsp), %xmm0
	callq	rintf@PLT
	movaps	%xmm0, 80(%rsp)
	movaps	48(%rsp), %xmm0
	shufps	$85, %xmm0, %xmm0
	callq	rintf@PLT
	movaps	.LCPI0_2(%rip), %xmm2
	movaps	.LCPI0_1(%rip), %xmm1
	movaps	80(%rsp), %xmm3
	unpcklps	%xmm0, %xmm3
	unpcklpd	64(%rsp), %xmm3
	addps	%xmm1, %xmm3
	xorps	%xmm1, %xmm1
	movaps	%xmm2, %xmm0
	minps	%xmm3, %xmm0
	cmpnltps	%xmm1, %xmm3
	movdqa	.LCPI0_3(%rip), %xmm1
	andps	%xmm0, %xmm3
	cvttps2dq	%xmm3, %xmm0
	pand	%xmm1, %xmm0
	packuswb	%xmm0, %xmm0
	packuswb	%xmm0, %xmm0
	movd	%xmm0, (%r14,%r13)
	addq	$4, %r13
	cmpq	$64, %r13
	jne	.LBB0_3
	movq	288(%rsp), %rax
	addq	$1, %rax
	addq	$64, %r14
	addq	$256, %r12
	movq	1672(%rsp), %rcx
	cmpq	%rcx, %rax
	jne	.LBB0_2
	leaq	3(%rcx), %rax
	leaq	6(%rcx), %rdx
	testq	%rax, %rax
	cmovnsq	%rax, %rdx
	movq	%rdx, 1656(%rsp)
	cmpq	$4, %rax
	jl	.LBB0_44
	sarq	$2, 1656(%rsp)
	leaq	-1(%rcx), %rax
	movq	%rax, 2784(%rsp)
	movb	$1, %al
	xorl	%r13d, %r13d
	xorps	%xmm4, %xmm4
	jmp	.LBB0_7
	.p2align	4, 0x90
.LBB0_43:
	movl	$64, %r13d
	testb	$1, 876(%rsp)
	movl	$0, %eax
	je	.LBB0_44
.LBB0_7:
	movl	%eax, 876(%rsp)
	movaps	3520(%rsp,%r13,4), %xmm9
	movaps	3536(%rsp,%r13,4), %xmm14
	movaps	3552(%rsp,%r13,4), %xmm13
	movaps	3568(%rsp,%r13,4), %xmm8
	movaps	3008(%rsp,%r13,4), %xmm15
	movaps	3024(%rsp,%r13,4), %xmm0
	movaps	%xmm0, 2048(%rsp)
	movaps	3040(%rsp,%r13,4), %xmm0
	movaps	%xmm0, 2032(%rsp)
	movaps	3056(%rsp,%r13,4), %xmm0
	movaps	%xmm0, 2016(%rsp)
	movq	%r13, %r8
	orq	$16, %r8
	movaps	3520(%rsp,%r8,4), %xmm7
	movdqa	3536(%rsp,%r8,4), %xmm5
	movaps	3552(%rsp,%r8,4), %xmm6
	movaps	3568(%rsp,%r8,4), %xmm0
	movaps	%xmm0, 2000(%rsp)
	movaps	3008(%rsp,%r8,4), %xmm0
	movaps	%xmm0, 1984(%rsp)
	movaps	3024(%rsp,%r8,4), %xmm0
	movaps	%xmm0, 1968(%rsp)
	movaps	3040(%rsp,%r8,4), %xmm0
	movaps	%xmm0, 1952(%rsp)
	movaps	3056(%rsp,%r8,4), %xmm0
	movaps	%xmm0, 1936(%rsp)
	movq	%r13, %r10
	orq	$32, %r10
	movq	%r13, %r14
	orq	$48, %r14
	movl	$3, %edi
	movl	$2, %r9d
	movl	$1, %r11d
	xorl	%ecx, %ecx
	xorl	%r12d, %r12d
	movaps	3520(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1920(%rsp)
	movaps	3536(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1904(%rsp)
	movaps	3552(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1888(%rsp)
	movaps	3568(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1872(%rsp)
	movaps	3008(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1856(%rsp)
	movaps	3024(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1840(%rsp)
	movaps	3040(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1824(%rsp)
	movaps	3056(%rsp,%r10,4), %xmm0
	movaps	%xmm0, 1808(%rsp)
	movaps	3520(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1792(%rsp)
	movaps	3536(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1776(%rsp)
	movaps	3552(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1760(%rsp)
	movaps	3568(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1744(%rsp)
	movaps	3008(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1728(%rsp)
	movaps	3024(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1712(%rsp)
	movaps	3040(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1696(%rsp)
	movaps	3056(%rsp,%r14,4), %xmm0
	movaps	%xmm0, 1680(%rsp)
	movaps	%xmm9, 2976(%rsp)
	movaps	%xmm14, 2960(%rsp)
	movaps	%xmm13, 2944(%rsp)
	movaps	%xmm8, 2928(%rsp)
	movaps	%xmm15, 2912(%rsp)
	movq	%r8, 2808(%rsp)
	movaps	%xmm7, 2896(%rsp)
	movdqa	%xmm5, 2880(%rsp)
	movaps	%xmm6, 2864(%rsp)
	movq	%r10, 2800(%rsp)
	movq	%r14, 2792(%rsp)
	jmp	.LBB0_8
	.p2align	4, 0x90
.LBB0_42:
	addq	$1, %r12
	addq	$4, %rdi
	addq	$4, %r9
	addq	$4, %r11
	addq	$4, %rcx
	cmpq	1656(%rsp), %r12
	je	.LBB0_43
.LBB0_8:
	movq	2784(%rsp), %rdx
	cmpq	%rdx, %rdi
	movq	%r12, %rsi
	movq	%rdx, %r12
	movq	%rdi, 2856(%rsp)
	cmovlq	%rdi, %r12
	shlq	$6, %r12
	movq	1664(%rsp), %rax
	addq	%rax, %r12
	cmpq	%rdx, %r9
	movq	%rdx, %r14
	movq	%r9, 2848(%rsp)
	cmovlq	%r9, %r14
	shlq	$6, %r14
	addq	%rax, %r14
	cmpq	%rdx, %r11
	movq	%rdx, %rdi
	movq	%r11, 2840(%rsp)
	cmovlq	%r11, %rdi
	shlq	$6, %rdi
	addq	%rax, %rdi
	cmpq	%rdx, %rcx
	movq	%rcx, 2832(%rsp)
	cmovlq	%rcx, %rdx
	shlq	$6, %rdx
	addq	%rax, %rdx
	leaq	(,%rsi,4), %rax
	movq	%rax, 392(%rsp)
	leaq	1(,%rsi,4), %rax
	movq	%rax, 312(%rsp)
	leaq	2(,%rsi,4), %rax
	movq	%rax, 2816(%rsp)
	movq	%rsi, %r9
	leaq	3(,%rsi,4), %rax
	movq	%rax, 2824(%rsp)
	pxor	%xmm5, %xmm5
	xorl	%r11d, %r11d
	xorps	%xmm6, %xmm6
	xorps	%xmm7, %xmm7
	xorps	%xmm0, %xmm0
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2544(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2512(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2480(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2448(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2400(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2368(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2336(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2320(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2160(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2144(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2128(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2112(%rsp)
	xorl	%r8d, %r8d
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2576(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2560(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1184(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1168(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2416(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1088(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1072(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1056(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2256(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 992(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 976(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 960(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2096(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 928(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 912(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 944(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2528(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2496(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1152(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1136(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2384(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1040(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1024(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1008(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2240(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1232(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1216(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1248(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2656(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1200(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 896(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 880(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2464(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2432(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1120(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 1104(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2352(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2304(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2288(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2272(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2224(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2208(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2192(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2176(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2672(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2080(%rsp)
	xorps	%xmm1, %xmm1
	movaps	%xmm1, 2640(%rsp)
	pxor	%xmm12, %xmm12
	.p2align	4, 0x90
.LBB0_9:
	movaps	%xmm7, 2592(%rsp)
	movaps	%xmm6, 2608(%rsp)
	movdqa	%xmm5, 2624(%rsp)
	movaps	%xmm0, 224(%rsp)
	movq	%r11, %rax
	orq	%r13, %rax
	movd	(%rdx,%r8,4), %xmm0
	pshufd	$0, %xmm0, %xmm0
	movdqa	%xmm0, %xmm1
	punpckhbw	%xmm4, %xmm1
	movdqa	%xmm1, %xmm10
	punpcklwd	%xmm4, %xmm10
	punpckhwd	%xmm4, %xmm1
	movdqa	%xmm1, %xmm3
	punpcklbw	%xmm4, %xmm0
	movdqa	%xmm0, %xmm1
	punpcklwd	%xmm4, %xmm1
	movdqa	%xmm1, %xmm6
	punpckhwd	%xmm4, %xmm0
	movdqa	%xmm0, %xmm7
	movdqu	48(%rbx,%rax,4), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm4
	psrad	$24, %xmm4
	movdqa	%xmm4, 1632(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 1616(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm5
	psrad	$24, %xmm5
	movdqa	%xmm5, 1600(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 1584(%rsp)
	movdqa	%xmm7, %xmm2
	pmaddwd	%xmm0, %xmm2
	movdqa	%xmm2, 848(%rsp)
	movdqa	%xmm6, %xmm15
	pmaddwd	%xmm5, %xmm15
	movdqa	%xmm15, 240(%rsp)
	movdqa	%xmm3, %xmm5
	pmaddwd	%xmm1, %xmm5
	movdqa	%xmm5, 832(%rsp)
	movdqa	%xmm10, %xmm0
	pmaddwd	%xmm4, %xmm0
	movdqa	%xmm0, 288(%rsp)
	movdqa	%xmm0, %xmm1
	punpckldq	%xmm5, %xmm1
	movdqa	%xmm1, 784(%rsp)
	punpckldq	%xmm2, %xmm15
	movdqa	%xmm15, %xmm0
	punpcklqdq	%xmm1, %xmm0
	paddd	%xmm12, %xmm0
	movdqa	%xmm0, 800(%rsp)
	movdqu	32(%rbx,%rax,4), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm4
	psrad	$24, %xmm4
	movdqa	%xmm4, 1552(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 1536(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm5
	psrad	$24, %xmm5
	movdqa	%xmm5, 1520(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 1568(%rsp)
	movdqa	%xmm7, %xmm2
	movdqa	%xmm7, 80(%rsp)
	pmaddwd	%xmm0, %xmm2
	movdqa	%xmm2, %xmm0
	movdqa	%xmm2, 768(%rsp)
	movdqa	%xmm6, %xmm11
	movdqa	%xmm6, 96(%rsp)
	pmaddwd	%xmm5, %xmm11
	movdqa	%xmm3, %xmm5
	movdqa	%xmm3, %xmm2
	movdqa	%xmm3, 64(%rsp)
	pmaddwd	%xmm1, %xmm5
	movdqa	%xmm5, 752(%rsp)
	movdqa	%xmm10, %xmm9
	movdqa	%xmm10, 48(%rsp)
	pmaddwd	%xmm4, %xmm9
	movdqa	%xmm9, 816(%rsp)
	punpckldq	%xmm5, %xmm9
	movdqa	%xmm11, %xmm5
	punpckldq	%xmm0, %xmm5
	movdqa	%xmm5, %xmm14
	punpcklqdq	%xmm9, %xmm14
	paddd	2640(%rsp), %xmm14
	movdqu	16(%rbx,%rax,4), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm4
	psrad	$24, %xmm4
	movdqa	%xmm4, 1456(%rsp)
	punpckhwd	%xmm1, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 1472(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 1488(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 1504(%rsp)
	pmaddwd	%xmm0, %xmm7
	movdqa	%xmm7, 736(%rsp)
	pmaddwd	%xmm1, %xmm6
	movdqa	%xmm2, %xmm0
	pmaddwd	%xmm3, %xmm0
	movdqa	%xmm0, 720(%rsp)
	pmaddwd	%xmm4, %xmm10
	movdqa	%xmm10, %xmm4
	punpckldq	%xmm0, %xmm4
	movdqa	%xmm6, %xmm3
	punpckldq	%xmm7, %xmm3
	movdqa	%xmm3, %xmm12
	punpcklqdq	%xmm4, %xmm12
	paddd	2080(%rsp), %xmm12
	movdqu	(%rbx,%rax,4), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm7
	psrad	$24, %xmm7
	movdqa	%xmm7, 2768(%rsp)
	punpckhwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 1408(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 1424(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 1440(%rsp)
	movdqa	80(%rsp), %xmm8
	pmaddwd	%xmm0, %xmm8
	movdqa	%xmm8, 704(%rsp)
	movdqa	96(%rsp), %xmm0
	pmaddwd	%xmm1, %xmm0
	movdqa	64(%rsp), %xmm13
	pmaddwd	%xmm2, %xmm13
	movdqa	48(%rsp), %xmm2
	pmaddwd	%xmm7, %xmm2
	movdqa	%xmm2, %xmm1
	punpckldq	%xmm13, %xmm1
	movdqa	%xmm0, %xmm7
	punpckldq	%xmm8, %xmm7
	movdqa	%xmm7, %xmm8
	punpcklqdq	%xmm1, %xmm8
	paddd	2672(%rsp), %xmm8
	punpckhqdq	%xmm1, %xmm7
	punpckhqdq	%xmm4, %xmm3
	punpckhqdq	%xmm9, %xmm5
	punpckhqdq	784(%rsp), %xmm15
	movdqa	288(%rsp), %xmm1
	punpckhdq	832(%rsp), %xmm1
	movdqa	%xmm1, 288(%rsp)
	movdqa	240(%rsp), %xmm9
	punpckhdq	848(%rsp), %xmm9
	movdqa	%xmm9, 240(%rsp)
	punpcklqdq	%xmm1, %xmm9
	paddd	%xmm15, %xmm9
	paddd	800(%rsp), %xmm9
	movdqa	816(%rsp), %xmm4
	punpckhdq	752(%rsp), %xmm4
	punpckhdq	768(%rsp), %xmm11
	movdqa	%xmm11, %xmm1
	punpcklqdq	%xmm4, %xmm1
	movdqa	%xmm4, %xmm15
	paddd	%xmm5, %xmm1
	paddd	%xmm14, %xmm1
	punpckhdq	720(%rsp), %xmm10
	punpckhdq	736(%rsp), %xmm6
	movdqa	%xmm6, %xmm4
	punpcklqdq	%xmm10, %xmm4
	paddd	%xmm3, %xmm4
	paddd	%xmm12, %xmm4
	punpckhdq	%xmm13, %xmm2
	punpckhdq	704(%rsp), %xmm0
	movdqa	%xmm0, %xmm3
	punpcklqdq	%xmm2, %xmm3
	paddd	%xmm7, %xmm3
	paddd	%xmm8, %xmm3
	punpckhqdq	%xmm2, %xmm0
	paddd	%xmm3, %xmm0
	movdqa	%xmm0, 2672(%rsp)
	punpckhqdq	%xmm10, %xmm6
	paddd	%xmm4, %xmm6
	movdqa	%xmm6, 2080(%rsp)
	punpckhqdq	%xmm15, %xmm11
	paddd	%xmm1, %xmm11
	movdqa	%xmm11, 2640(%rsp)
	movdqa	240(%rsp), %xmm0
	punpckhqdq	288(%rsp), %xmm0
	paddd	%xmm9, %xmm0
	movdqa	%xmm0, 2992(%rsp)
	leaq	(,%rax,4), %r10
	movq	%r10, %rax
	orq	$64, %rax
	movdqu	48(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 288(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 848(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 832(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 816(%rsp)
	movdqa	80(%rsp), %xmm8
	movdqa	%xmm8, %xmm4
	pmaddwd	%xmm0, %xmm4
	movdqa	%xmm4, %xmm6
	movdqa	%xmm4, 688(%rsp)
	movdqa	96(%rsp), %xmm7
	movdqa	%xmm7, %xmm15
	pmaddwd	%xmm3, %xmm15
	movdqa	%xmm15, 368(%rsp)
	movdqa	64(%rsp), %xmm5
	movdqa	%xmm5, %xmm3
	pmaddwd	%xmm1, %xmm3
	movdqa	%xmm3, 672(%rsp)
	movdqa	48(%rsp), %xmm4
	movdqa	%xmm4, %xmm0
	pmaddwd	%xmm2, %xmm0
	movdqa	%xmm0, 240(%rsp)
	movdqa	%xmm0, %xmm1
	punpckldq	%xmm3, %xmm1
	movdqa	%xmm1, 640(%rsp)
	punpckldq	%xmm6, %xmm15
	movdqa	%xmm15, %xmm0
	punpcklqdq	%xmm1, %xmm0
	paddd	2176(%rsp), %xmm0
	movdqa	%xmm0, 656(%rsp)
	movdqu	32(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 784(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 768(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 752(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 800(%rsp)
	movdqa	%xmm8, %xmm6
	movdqa	%xmm8, %xmm9
	pmaddwd	%xmm0, %xmm6
	movdqa	%xmm6, 608(%rsp)
	movdqa	%xmm7, %xmm11
	movdqa	%xmm7, %xmm13
	pmaddwd	%xmm3, %xmm11
	movdqa	%xmm5, %xmm0
	movdqa	%xmm5, %xmm10
	pmaddwd	%xmm1, %xmm0
	movdqa	%xmm0, 592(%rsp)
	movdqa	%xmm4, %xmm8
	pmaddwd	%xmm2, %xmm8
	movdqa	%xmm8, 624(%rsp)
	punpckldq	%xmm0, %xmm8
	movdqa	%xmm8, 544(%rsp)
	movdqa	%xmm11, %xmm5
	punpckldq	%xmm6, %xmm5
	movdqa	%xmm5, %xmm14
	punpcklqdq	%xmm8, %xmm14
	paddd	2192(%rsp), %xmm14
	movdqu	16(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 1392(%rsp)
	punpckhwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 704(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 720(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 736(%rsp)
	movdqa	%xmm9, %xmm7
	pmaddwd	%xmm0, %xmm7
	movdqa	%xmm7, 576(%rsp)
	movdqa	%xmm13, %xmm6
	pmaddwd	%xmm1, %xmm6
	pmaddwd	%xmm2, %xmm10
	movdqa	%xmm10, 560(%rsp)
	movdqa	%xmm4, %xmm9
	pmaddwd	%xmm3, %xmm9
	movdqa	%xmm9, %xmm4
	punpckldq	%xmm10, %xmm4
	movdqa	%xmm6, %xmm10
	punpckldq	%xmm7, %xmm10
	movdqa	%xmm10, %xmm12
	punpcklqdq	%xmm4, %xmm12
	paddd	2208(%rsp), %xmm12
	movdqu	(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm2
	punpcklwd	%xmm2, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 2752(%rsp)
	punpckhwd	%xmm2, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 1344(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 1360(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 1376(%rsp)
	movdqa	80(%rsp), %xmm8
	pmaddwd	%xmm0, %xmm8
	movdqa	%xmm8, 528(%rsp)
	movdqa	%xmm13, %xmm7
	pmaddwd	%xmm1, %xmm7
	movdqa	64(%rsp), %xmm13
	pmaddwd	%xmm2, %xmm13
	movdqa	48(%rsp), %xmm1
	pmaddwd	%xmm3, %xmm1
	movdqa	%xmm1, %xmm0
	punpckldq	%xmm13, %xmm0
	movdqa	%xmm7, %xmm2
	punpckldq	%xmm8, %xmm2
	movdqa	%xmm2, %xmm3
	punpcklqdq	%xmm0, %xmm3
	paddd	2224(%rsp), %xmm3
	punpckhqdq	%xmm0, %xmm2
	punpckhqdq	%xmm4, %xmm10
	punpckhqdq	544(%rsp), %xmm5
	punpckhqdq	640(%rsp), %xmm15
	movdqa	240(%rsp), %xmm0
	punpckhdq	672(%rsp), %xmm0
	movdqa	%xmm0, 240(%rsp)
	movdqa	368(%rsp), %xmm8
	punpckhdq	688(%rsp), %xmm8
	movdqa	%xmm8, 368(%rsp)
	punpcklqdq	%xmm0, %xmm8
	paddd	%xmm15, %xmm8
	paddd	656(%rsp), %xmm8
	movdqa	624(%rsp), %xmm4
	punpckhdq	592(%rsp), %xmm4
	punpckhdq	608(%rsp), %xmm11
	movdqa	%xmm11, %xmm0
	punpcklqdq	%xmm4, %xmm0
	movdqa	%xmm4, %xmm15
	paddd	%xmm5, %xmm0
	paddd	%xmm14, %xmm0
	punpckhdq	560(%rsp), %xmm9
	punpckhdq	576(%rsp), %xmm6
	movdqa	%xmm6, %xmm4
	punpcklqdq	%xmm9, %xmm4
	paddd	%xmm10, %xmm4
	paddd	%xmm12, %xmm4
	punpckhdq	%xmm13, %xmm1
	punpckhdq	528(%rsp), %xmm7
	movdqa	%xmm7, %xmm5
	punpcklqdq	%xmm1, %xmm5
	paddd	%xmm2, %xmm5
	paddd	%xmm3, %xmm5
	punpckhqdq	%xmm1, %xmm7
	paddd	%xmm5, %xmm7
	movdqa	%xmm7, 2224(%rsp)
	punpckhqdq	%xmm9, %xmm6
	paddd	%xmm4, %xmm6
	movdqa	%xmm6, 2208(%rsp)
	punpckhqdq	%xmm15, %xmm11
	paddd	%xmm0, %xmm11
	movdqa	%xmm11, 2192(%rsp)
	movdqa	368(%rsp), %xmm0
	punpckhqdq	240(%rsp), %xmm0
	paddd	%xmm8, %xmm0
	movdqa	%xmm0, 2176(%rsp)
	movq	%r10, %rax
	orq	$128, %rax
	movdqu	48(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 240(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 368(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 688(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 672(%rsp)
	movdqa	80(%rsp), %xmm8
	movdqa	%xmm8, %xmm4
	pmaddwd	%xmm0, %xmm4
	movdqa	%xmm4, %xmm6
	movdqa	%xmm4, 512(%rsp)
	movdqa	96(%rsp), %xmm7
	movdqa	%xmm7, %xmm15
	pmaddwd	%xmm3, %xmm15
	movdqa	%xmm15, 336(%rsp)
	movdqa	64(%rsp), %xmm5
	movdqa	%xmm5, %xmm3
	pmaddwd	%xmm1, %xmm3
	movdqa	%xmm3, 496(%rsp)
	movdqa	48(%rsp), %xmm9
	movdqa	%xmm9, %xmm0
	pmaddwd	%xmm2, %xmm0
	movdqa	%xmm0, 352(%rsp)
	movdqa	%xmm0, %xmm1
	punpckldq	%xmm3, %xmm1
	movdqa	%xmm1, 464(%rsp)
	punpckldq	%xmm4, %xmm15
	movdqa	%xmm15, %xmm0
	punpcklqdq	%xmm1, %xmm0
	paddd	2272(%rsp), %xmm0
	movdqa	%xmm0, 480(%rsp)
	movdqu	32(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 640(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 624(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 608(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 656(%rsp)
	movdqa	%xmm8, %xmm6
	movdqa	%xmm8, %xmm10
	pmaddwd	%xmm0, %xmm6
	movdqa	%xmm6, 432(%rsp)
	movdqa	%xmm7, %xmm11
	movdqa	%xmm7, %xmm13
	pmaddwd	%xmm3, %xmm11
	movdqa	%xmm5, %xmm0
	movdqa	%xmm5, %xmm12
	pmaddwd	%xmm1, %xmm0
	movdqa	%xmm0, 416(%rsp)
	movdqa	%xmm9, %xmm8
	pmaddwd	%xmm2, %xmm8
	movdqa	%xmm8, 448(%rsp)
	punpckldq	%xmm0, %xmm8
	movdqa	%xmm8, 1280(%rsp)
	movdqa	%xmm11, %xmm5
	punpckldq	%xmm6, %xmm5
	movdqa	%xmm5, %xmm14
	punpcklqdq	%xmm8, %xmm14
	paddd	2288(%rsp), %xmm14
	movdqu	16(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 544(%rsp)
	punpckhwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 560(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 576(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 592(%rsp)
	movdqa	%xmm10, %xmm7
	pmaddwd	%xmm0, %xmm7
	movdqa	%xmm7, 400(%rsp)
	movdqa	%xmm13, %xmm6
	pmaddwd	%xmm1, %xmm6
	pmaddwd	%xmm2, %xmm12
	movdqa	%xmm12, 1296(%rsp)
	pmaddwd	%xmm3, %xmm9
	movdqa	%xmm9, %xmm4
	punpckldq	%xmm12, %xmm4
	movdqa	%xmm6, %xmm10
	punpckldq	%xmm7, %xmm10
	movdqa	%xmm10, %xmm12
	punpcklqdq	%xmm4, %xmm12
	paddd	2304(%rsp), %xmm12
	movdqu	(%rbx,%rax), %xmm0
	punpckhbw	%xmm0, %xmm2
	punpcklwd	%xmm2, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 2736(%rsp)
	punpckhwd	%xmm2, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 1312(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 1328(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 528(%rsp)
	movdqa	80(%rsp), %xmm8
	pmaddwd	%xmm0, %xmm8
	movdqa	%xmm8, 1264(%rsp)
	movdqa	%xmm13, %xmm7
	pmaddwd	%xmm1, %xmm7
	movdqa	64(%rsp), %xmm13
	pmaddwd	%xmm2, %xmm13
	movdqa	48(%rsp), %xmm1
	pmaddwd	%xmm3, %xmm1
	movdqa	%xmm1, %xmm0
	punpckldq	%xmm13, %xmm0
	movdqa	%xmm7, %xmm2
	punpckldq	%xmm8, %xmm2
	movdqa	%xmm2, %xmm3
	punpcklqdq	%xmm0, %xmm3
	paddd	2352(%rsp), %xmm3
	punpckhqdq	%xmm0, %xmm2
	punpckhqdq	%xmm4, %xmm10
	punpckhqdq	1280(%rsp), %xmm5
	punpckhqdq	464(%rsp), %xmm15
	movdqa	352(%rsp), %xmm0
	punpckhdq	496(%rsp), %xmm0
	movdqa	%xmm0, 352(%rsp)
	movdqa	336(%rsp), %xmm8
	punpckhdq	512(%rsp), %xmm8
	movdqa	%xmm8, 336(%rsp)
	punpcklqdq	%xmm0, %xmm8
	paddd	%xmm15, %xmm8
	paddd	480(%rsp), %xmm8
	movdqa	448(%rsp), %xmm4
	punpckhdq	416(%rsp), %xmm4
	punpckhdq	432(%rsp), %xmm11
	movdqa	%xmm11, %xmm0
	punpcklqdq	%xmm4, %xmm0
	movdqa	%xmm4, %xmm15
	paddd	%xmm5, %xmm0
	paddd	%xmm14, %xmm0
	punpckhdq	1296(%rsp), %xmm9
	punpckhdq	400(%rsp), %xmm6
	movdqa	%xmm6, %xmm4
	punpcklqdq	%xmm9, %xmm4
	paddd	%xmm10, %xmm4
	paddd	%xmm12, %xmm4
	punpckhdq	%xmm13, %xmm1
	punpckhdq	1264(%rsp), %xmm7
	movdqa	%xmm7, %xmm5
	punpcklqdq	%xmm1, %xmm5
	paddd	%xmm2, %xmm5
	paddd	%xmm3, %xmm5
	punpckhqdq	%xmm1, %xmm7
	paddd	%xmm5, %xmm7
	movdqa	%xmm7, 2352(%rsp)
	punpckhqdq	%xmm9, %xmm6
	paddd	%xmm4, %xmm6
	movdqa	%xmm6, 2304(%rsp)
	punpckhqdq	%xmm15, %xmm11
	paddd	%xmm0, %xmm11
	movdqa	%xmm11, 2288(%rsp)
	movdqa	336(%rsp), %xmm0
	punpckhqdq	352(%rsp), %xmm0
	paddd	%xmm8, %xmm0
	movdqa	%xmm0, 2272(%rsp)
	orq	$192, %r10
	movdqu	48(%rbx,%r10), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 1296(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 1280(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 1264(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 2720(%rsp)
	movdqa	80(%rsp), %xmm4
	movdqa	%xmm4, 144(%rsp)
	movdqa	%xmm4, 128(%rsp)
	movdqa	%xmm4, %xmm6
	pmaddwd	%xmm0, %xmm4
	movdqa	%xmm4, %xmm5
	movdqa	%xmm4, 80(%rsp)
	movdqa	96(%rsp), %xmm10
	movdqa	%xmm10, %xmm9
	movdqa	%xmm10, %xmm15
	movdqa	%xmm10, %xmm8
	pmaddwd	%xmm3, %xmm10
	movdqa	%xmm10, 96(%rsp)
	movdqa	64(%rsp), %xmm0
	movdqa	%xmm0, 112(%rsp)
	movdqa	%xmm0, %xmm13
	movdqa	%xmm0, %xmm7
	pmaddwd	%xmm1, %xmm0
	movdqa	%xmm0, 64(%rsp)
	movdqa	48(%rsp), %xmm11
	movdqa	%xmm11, 192(%rsp)
	movdqa	%xmm11, %xmm12
	movdqa	%xmm11, %xmm14
	pmaddwd	%xmm2, %xmm11
	movdqa	%xmm11, 48(%rsp)
	punpckldq	%xmm0, %xmm11
	punpckldq	%xmm4, %xmm10
	movdqa	%xmm10, %xmm0
	punpcklqdq	%xmm11, %xmm0
	paddd	1104(%rsp), %xmm0
	movdqa	%xmm0, 1104(%rsp)
	movdqu	32(%rbx,%r10), %xmm0
	punpckhbw	%xmm0, %xmm1
	punpcklwd	%xmm1, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 336(%rsp)
	punpckhwd	%xmm1, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 512(%rsp)
	punpcklbw	%xmm0, %xmm0
	punpcklwd	%xmm0, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 2704(%rsp)
	punpckhwd	%xmm0, %xmm0
	psrad	$24, %xmm0
	movdqa	%xmm0, 480(%rsp)
	pmaddwd	%xmm0, %xmm6
	movdqa	%xmm6, 272(%rsp)
	pmaddwd	%xmm1, %xmm8
	movdqa	%xmm8, 176(%rsp)
	pmaddwd	%xmm3, %xmm7
	movdqa	%xmm7, 208(%rsp)
	pmaddwd	%xmm2, %xmm14
	movdqa	%xmm14, 160(%rsp)
	punpckldq	%xmm7, %xmm14
	movdqa	%xmm8, %xmm7
	punpckldq	%xmm6, %xmm7
	movdqa	%xmm7, %xmm8
	punpcklqdq	%xmm14, %xmm8
	paddd	1120(%rsp), %xmm8
	movdqu	16(%rbx,%r10), %xmm1
	punpckhbw	%xmm1, %xmm2
	punpcklwd	%xmm2, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 496(%rsp)
	punpckhwd	%xmm2, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 464(%rsp)
	punpcklbw	%xmm1, %xmm1
	punpcklwd	%xmm1, %xmm4
	psrad	$24, %xmm4
	movdqa	%xmm4, 448(%rsp)
	punpckhwd	%xmm1, %xmm1
	psrad	$24, %xmm1
	movdqa	%xmm1, 416(%rsp)
	movdqa	128(%rsp), %xmm5
	pmaddwd	%xmm1, %xmm5
	movdqa	%xmm5, 128(%rsp)
	pmaddwd	%xmm4, %xmm15
	movdqa	%xmm13, %xmm0
	pmaddwd	%xmm2, %xmm0
	movdqa	%xmm0, 256(%rsp)
	movdqa	%xmm12, %xmm13
	pmaddwd	%xmm3, %xmm13
	movdqa	%xmm13, 1120(%rsp)
	punpckldq	%xmm0, %xmm13
	movdqa	%xmm15, %xmm1
	punpckldq	%xmm5, %xmm1
	movdqa	%xmm1, %xmm6
	punpcklqdq	%xmm13, %xmm6
	paddd	2432(%rsp), %xmm6
	movdqu	(%rbx,%r10), %xmm12
	punpckhbw	%xmm12, %xmm3
	punpcklwd	%xmm3, %xmm2
	psrad	$24, %xmm2
	movdqa	%xmm2, 432(%rsp)
	punpckhwd	%xmm3, %xmm5
	psrad	$24, %xmm5
	movdqa	%xmm5, 2688(%rsp)
	punpcklbw	%xmm12, %xmm12
	punpcklwd	%xmm12, %xmm3
	psrad	$24, %xmm3
	movdqa	%xmm3, 352(%rsp)
	punpckhwd	%xmm12, %xmm12
	psrad	$24, %xmm12
	movdqa	%xmm12, 400(%rsp)
	movdqa	144(%rsp), %xmm4
	pmaddwd	%xmm12, %xmm4
	pmaddwd	%xmm3, %xmm9
	movdqa	112(%rsp), %xmm0
	pmaddwd	%xmm5, %xmm0
	movdqa	%xmm0, 112(%rsp)
	movdqa	192(%rsp), %xmm3
	pmaddwd	%xmm2, %xmm3
	movdqa	%xmm3, %xmm12
	punpckldq	%xmm0, %xmm12
	movdqa	%xmm9, %xmm2
	movdqa	%xmm4, 144(%rsp)
	punpckldq	%xmm4, %xmm2
	movdqa	%xmm2, %xmm4
	punpcklqdq	%xmm12, %xmm4
	paddd	2464(%rsp), %xmm4
	punpckhqdq	%xmm12, %xmm2
	punpckhqdq	%xmm13, %xmm1
	punpckhqdq	%xmm14, %xmm7
	punpckhqdq	%xmm11, %xmm10
	movdqa	48(%rsp), %xmm13
	punpckhdq	64(%rsp), %xmm13
	movdqa	96(%rsp), %xmm12
	punpckhdq	80(%rsp), %xmm12
	movdqa	%xmm12, %xmm11
	punpcklqdq	%xmm13, %xmm11
	paddd	%xmm10, %xmm11
	paddd	1104(%rsp), %xmm11
	movdqa	160(%rsp), %xmm0
	punpckhdq	208(%rsp), %xmm0
	movdqa	176(%rsp), %xmm5
	punpckhdq	272(%rsp), %xmm5
	movdqa	%xmm5, %xmm14
	movdqa	%xmm5, %xmm10
	punpcklqdq	%xmm0, %xmm14
	movdqa	%xmm0, %xmm5
	paddd	%xmm7, %xmm14
	paddd	%xmm8, %xmm14
	movdqa	1120(%rsp), %xmm7
	punpckhdq	256(%rsp), %xmm7
	punpckhdq	128(%rsp), %xmm15
	movdqa	%xmm15, %xmm0
	punpcklqdq	%xmm7, %xmm0
	movdqa	%xmm7, %xmm8
	paddd	%xmm1, %xmm0
	paddd	%xmm6, %xmm0
	punpckhdq	112(%rsp), %xmm3
	punpckhdq	144(%rsp), %xmm9
	movdqa	%xmm9, %xmm1
	punpcklqdq	%xmm3, %xmm1
	paddd	%xmm2, %xmm1
	paddd	%xmm4, %xmm1
	punpckhqdq	%xmm3, %xmm9
	paddd	%xmm1, %xmm9
	movdqa	%xmm9, 2464(%rsp)
	punpckhqdq	%xmm7, %xmm15
	paddd	%xmm0, %xmm15
	movdqa	%xmm15, 2432(%rsp)
	punpckhqdq	%xmm5, %xmm10
	paddd	%xmm14, %xmm10
	movdqa	%xmm10, 1120(%rsp)
	punpckhqdq	%xmm13, %xmm12
	movdqa	%xmm12, %xmm0
	paddd	%xmm11, %xmm0
	movdqa	%xmm0, 1104(%rsp)
	movd	(%rdi,%r8,4), %xmm0
	pshufd	$0, %xmm0, %xmm0
	movdqa	%xmm0, %xmm2
	punpckhbw	.LCPI0_4(%rip), %xmm2
	movdqa	%xmm2, %xmm12
	punpcklwd	.LCPI0_4(%rip), %xmm12
	punpckhwd	.LCPI0_4(%rip), %xmm2
	punpcklbw	.LCPI0_4(%rip), %xmm0
	movdqa	%xmm0, %xmm1
	punpcklwd	.LCPI0_4(%rip), %xmm1
	punpckhwd	.LCPI0_4(%rip), %xmm0
	movdqa	%xmm0, %xmm7
	movdqa	%xmm0, 96(%rsp)
	pmaddwd	1584(%rsp), %xmm0
	movdqa	%xmm0, %xmm4
	movdqa	%xmm0, 160(%rsp)
	movdqa	%xmm1, 80(%rsp)
	movdqa	%xmm1, %xmm8
	pmaddwd	1600(%rsp), %xmm8
	movdqa	%xmm8, 176(%rsp)
	movdqa	%xmm2, %xmm0
	movdqa	%xmm2, 64(%rsp)
	movdqa	%xmm2, %xmm5
	pmaddwd	1616(%rsp), %xmm5
	movdqa	%xmm5, 272(%rsp)
	movdqa	%xmm12, %xmm2
	pmaddwd	1632(%rsp), %xmm2
	movdqa	%xmm2, 192(%rsp)
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm2, 2064(%rsp)
	punpckldq	%xmm4, %xmm8
	movdqa	%xmm8, %xmm13
	punpcklqdq	%xmm2, %xmm13
	paddd	880(%rsp), %xmm13
	movdqa	%xmm7, %xmm4
	pmaddwd	1568(%rsp), %xmm4
	movdqa	%xmm4, 208(%rsp)
	movdqa	%xmm1, %xmm10
	pmaddwd	1520(%rsp), %xmm10
	movdqa	%xmm0, %xmm2
	pmaddwd	1536(%rsp), %xmm2
	movdqa	%xmm2, 320(%rsp)
	movdqa	%xmm12, %xmm15
	pmaddwd	1552(%rsp), %xmm15
	movdqa	%xmm15, 256(%rsp)
	punpckldq	%xmm2, %xmm15
	movdqa	%xmm10, %xmm9
	punpckldq	%xmm4, %xmm9
	movdqa	%xmm9, %xmm14
	punpcklqdq	%xmm15, %xmm14
	paddd	896(%rsp), %xmm14
	movdqa	%xmm7, %xmm4
	pmaddwd	1504(%rsp), %xmm4
	movdqa	%xmm4, 896(%rsp)
	movdqa	%xmm1, %xmm6
	pmaddwd	1488(%rsp), %xmm6
	movdqa	%xmm0, %xmm5
	pmaddwd	1472(%rsp), %xmm5
	movdqa	%xmm5, 880(%rsp)
	movdqa	%xmm12, %xmm11
	movdqa	%xmm12, 48(%rsp)
	pmaddwd	1456(%rsp), %xmm11
	movdqa	%xmm11, %xmm2
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm6, %xmm5
	punpckldq	%xmm4, %xmm5
	movdqa	%xmm5, %xmm3
	punpcklqdq	%xmm2, %xmm3
	paddd	1200(%rsp), %xmm3
	movdqa	%xmm3, 128(%rsp)
	movdqa	%xmm7, %xmm4
	pmaddwd	1440(%rsp), %xmm4
	movdqa	%xmm4, 112(%rsp)
	movdqa	%xmm1, %xmm3
	pmaddwd	1424(%rsp), %xmm3
	movdqa	%xmm0, %xmm1
	pmaddwd	1408(%rsp), %xmm1
	movdqa	%xmm1, 1200(%rsp)
	movdqa	%xmm12, %xmm0
	pmaddwd	2768(%rsp), %xmm0
	movdqa	%xmm0, %xmm7
	punpckldq	%xmm1, %xmm7
	movdqa	%xmm3, %xmm1
	punpckldq	%xmm4, %xmm1
	movdqa	%xmm1, %xmm4
	punpcklqdq	%xmm7, %xmm4
	paddd	2656(%rsp), %xmm4
	movdqa	%xmm4, 144(%rsp)
	punpckhqdq	%xmm7, %xmm1
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm15, %xmm9
	punpckhqdq	2064(%rsp), %xmm8
	movdqa	192(%rsp), %xmm15
	punpckhdq	272(%rsp), %xmm15
	movdqa	176(%rsp), %xmm7
	punpckhdq	160(%rsp), %xmm7
	movdqa	%xmm7, %xmm4
	punpcklqdq	%xmm15, %xmm4
	paddd	%xmm8, %xmm4
	paddd	%xmm13, %xmm4
	movdqa	256(%rsp), %xmm12
	punpckhdq	320(%rsp), %xmm12
	punpckhdq	208(%rsp), %xmm10
	movdqa	%xmm10, %xmm8
	punpcklqdq	%xmm12, %xmm8
	paddd	%xmm9, %xmm8
	paddd	%xmm14, %xmm8
	punpckhdq	880(%rsp), %xmm11
	punpckhdq	896(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm11, %xmm2
	paddd	%xmm5, %xmm2
	paddd	128(%rsp), %xmm2
	punpckhdq	1200(%rsp), %xmm0
	punpckhdq	112(%rsp), %xmm3
	movdqa	%xmm3, %xmm5
	punpcklqdq	%xmm0, %xmm5
	paddd	%xmm1, %xmm5
	paddd	144(%rsp), %xmm5
	punpckhqdq	%xmm0, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	%xmm3, 2656(%rsp)
	punpckhqdq	%xmm11, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 1200(%rsp)
	punpckhqdq	%xmm12, %xmm10
	paddd	%xmm8, %xmm10
	movdqa	%xmm10, 896(%rsp)
	punpckhqdq	%xmm15, %xmm7
	movdqa	%xmm7, %xmm0
	paddd	%xmm4, %xmm0
	movdqa	%xmm0, 880(%rsp)
	movdqa	96(%rsp), %xmm7
	movdqa	%xmm7, %xmm1
	pmaddwd	816(%rsp), %xmm1
	movdqa	%xmm1, %xmm5
	movdqa	%xmm1, 192(%rsp)
	movdqa	80(%rsp), %xmm3
	movdqa	%xmm3, %xmm8
	pmaddwd	832(%rsp), %xmm8
	movdqa	%xmm8, 208(%rsp)
	movdqa	64(%rsp), %xmm2
	movdqa	%xmm2, %xmm0
	pmaddwd	848(%rsp), %xmm0
	movdqa	%xmm0, 176(%rsp)
	movdqa	48(%rsp), %xmm1
	movdqa	%xmm1, %xmm4
	pmaddwd	288(%rsp), %xmm4
	movdqa	%xmm4, 112(%rsp)
	punpckldq	%xmm0, %xmm4
	movdqa	%xmm4, 320(%rsp)
	punpckldq	%xmm5, %xmm8
	movdqa	%xmm8, %xmm12
	punpcklqdq	%xmm4, %xmm12
	paddd	1248(%rsp), %xmm12
	movdqa	%xmm7, %xmm0
	pmaddwd	800(%rsp), %xmm0
	movdqa	%xmm0, 128(%rsp)
	movdqa	%xmm3, %xmm11
	pmaddwd	752(%rsp), %xmm11
	movdqa	%xmm2, %xmm4
	pmaddwd	768(%rsp), %xmm4
	movdqa	%xmm4, 272(%rsp)
	movdqa	%xmm1, %xmm15
	pmaddwd	784(%rsp), %xmm15
	movdqa	%xmm15, 160(%rsp)
	punpckldq	%xmm4, %xmm15
	movdqa	%xmm11, %xmm9
	punpckldq	%xmm0, %xmm9
	movdqa	%xmm9, %xmm14
	punpcklqdq	%xmm15, %xmm14
	paddd	1216(%rsp), %xmm14
	movdqa	%xmm7, %xmm0
	pmaddwd	736(%rsp), %xmm0
	movdqa	%xmm0, 1248(%rsp)
	movdqa	%xmm3, %xmm6
	pmaddwd	720(%rsp), %xmm6
	movdqa	%xmm2, %xmm5
	movdqa	%xmm2, %xmm10
	pmaddwd	704(%rsp), %xmm5
	movdqa	%xmm5, 256(%rsp)
	movdqa	%xmm1, %xmm13
	movdqa	%xmm1, %xmm4
	pmaddwd	1392(%rsp), %xmm13
	movdqa	%xmm13, %xmm2
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm6, %xmm5
	punpckldq	%xmm0, %xmm5
	movdqa	%xmm5, %xmm0
	punpcklqdq	%xmm2, %xmm0
	paddd	1232(%rsp), %xmm0
	movdqa	%xmm0, 144(%rsp)
	movdqa	%xmm7, %xmm1
	pmaddwd	1376(%rsp), %xmm1
	movdqa	%xmm1, 1232(%rsp)
	pmaddwd	1360(%rsp), %xmm3
	pmaddwd	1344(%rsp), %xmm10
	movdqa	%xmm10, 1216(%rsp)
	movdqa	%xmm4, %xmm0
	pmaddwd	2752(%rsp), %xmm0
	movdqa	%xmm0, %xmm7
	punpckldq	%xmm10, %xmm7
	movdqa	%xmm3, %xmm10
	punpckldq	%xmm1, %xmm10
	movdqa	%xmm10, %xmm1
	punpcklqdq	%xmm7, %xmm1
	paddd	2240(%rsp), %xmm1
	punpckhqdq	%xmm7, %xmm10
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm15, %xmm9
	punpckhqdq	320(%rsp), %xmm8
	movdqa	112(%rsp), %xmm15
	punpckhdq	176(%rsp), %xmm15
	movdqa	208(%rsp), %xmm7
	punpckhdq	192(%rsp), %xmm7
	movdqa	%xmm7, %xmm4
	punpcklqdq	%xmm15, %xmm4
	paddd	%xmm8, %xmm4
	paddd	%xmm12, %xmm4
	movdqa	160(%rsp), %xmm12
	punpckhdq	272(%rsp), %xmm12
	punpckhdq	128(%rsp), %xmm11
	movdqa	%xmm11, %xmm8
	punpcklqdq	%xmm12, %xmm8
	paddd	%xmm9, %xmm8
	paddd	%xmm14, %xmm8
	punpckhdq	256(%rsp), %xmm13
	punpckhdq	1248(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm13, %xmm2
	paddd	%xmm5, %xmm2
	paddd	144(%rsp), %xmm2
	punpckhdq	1216(%rsp), %xmm0
	punpckhdq	1232(%rsp), %xmm3
	movdqa	%xmm3, %xmm5
	punpcklqdq	%xmm0, %xmm5
	paddd	%xmm10, %xmm5
	paddd	%xmm1, %xmm5
	punpckhqdq	%xmm0, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	%xmm3, 2240(%rsp)
	punpckhqdq	%xmm13, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 1232(%rsp)
	punpckhqdq	%xmm12, %xmm11
	paddd	%xmm8, %xmm11
	movdqa	%xmm11, 1216(%rsp)
	punpckhqdq	%xmm15, %xmm7
	movdqa	%xmm7, %xmm0
	paddd	%xmm4, %xmm0
	movdqa	%xmm0, 1248(%rsp)
	movdqa	96(%rsp), %xmm3
	movdqa	%xmm3, %xmm0
	pmaddwd	672(%rsp), %xmm0
	movdqa	%xmm0, %xmm5
	movdqa	%xmm0, 176(%rsp)
	movdqa	80(%rsp), %xmm7
	movdqa	%xmm7, %xmm8
	pmaddwd	688(%rsp), %xmm8
	movdqa	%xmm8, 192(%rsp)
	movdqa	64(%rsp), %xmm1
	movdqa	%xmm1, %xmm4
	pmaddwd	368(%rsp), %xmm4
	movdqa	%xmm4, 160(%rsp)
	movdqa	48(%rsp), %xmm0
	movdqa	%xmm0, %xmm2
	pmaddwd	240(%rsp), %xmm2
	movdqa	%xmm2, 208(%rsp)
	punpckldq	%xmm4, %xmm2
	movdqa	%xmm2, 320(%rsp)
	punpckldq	%xmm5, %xmm8
	movdqa	%xmm8, %xmm12
	punpcklqdq	%xmm2, %xmm12
	paddd	1008(%rsp), %xmm12
	movdqa	%xmm3, %xmm4
	pmaddwd	656(%rsp), %xmm4
	movdqa	%xmm4, 1008(%rsp)
	movdqa	%xmm7, %xmm11
	pmaddwd	608(%rsp), %xmm11
	movdqa	%xmm1, %xmm2
	pmaddwd	624(%rsp), %xmm2
	movdqa	%xmm2, 256(%rsp)
	movdqa	%xmm0, %xmm15
	pmaddwd	640(%rsp), %xmm15
	movdqa	%xmm15, 272(%rsp)
	punpckldq	%xmm2, %xmm15
	movdqa	%xmm11, %xmm9
	punpckldq	%xmm4, %xmm9
	movdqa	%xmm9, %xmm14
	punpcklqdq	%xmm15, %xmm14
	paddd	1024(%rsp), %xmm14
	movdqa	%xmm3, %xmm4
	pmaddwd	592(%rsp), %xmm4
	movdqa	%xmm4, 128(%rsp)
	movdqa	%xmm7, %xmm6
	pmaddwd	576(%rsp), %xmm6
	movdqa	%xmm1, %xmm5
	pmaddwd	560(%rsp), %xmm5
	movdqa	%xmm5, 1024(%rsp)
	movdqa	%xmm0, %xmm13
	pmaddwd	544(%rsp), %xmm13
	movdqa	%xmm13, %xmm2
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm6, %xmm5
	punpckldq	%xmm4, %xmm5
	movdqa	%xmm5, %xmm4
	punpcklqdq	%xmm2, %xmm4
	paddd	1040(%rsp), %xmm4
	movdqa	%xmm4, 144(%rsp)
	movdqa	%xmm3, %xmm4
	pmaddwd	528(%rsp), %xmm4
	movdqa	%xmm4, 112(%rsp)
	movdqa	%xmm7, %xmm3
	pmaddwd	1328(%rsp), %xmm3
	pmaddwd	1312(%rsp), %xmm1
	movdqa	%xmm1, 1040(%rsp)
	pmaddwd	2736(%rsp), %xmm0
	movdqa	%xmm0, %xmm7
	punpckldq	%xmm1, %xmm7
	movdqa	%xmm3, %xmm10
	punpckldq	%xmm4, %xmm10
	movdqa	%xmm10, %xmm1
	punpcklqdq	%xmm7, %xmm1
	paddd	2384(%rsp), %xmm1
	punpckhqdq	%xmm7, %xmm10
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm15, %xmm9
	punpckhqdq	320(%rsp), %xmm8
	movdqa	208(%rsp), %xmm15
	punpckhdq	160(%rsp), %xmm15
	movdqa	192(%rsp), %xmm7
	punpckhdq	176(%rsp), %xmm7
	movdqa	%xmm7, %xmm4
	punpcklqdq	%xmm15, %xmm4
	paddd	%xmm8, %xmm4
	paddd	%xmm12, %xmm4
	movdqa	272(%rsp), %xmm12
	punpckhdq	256(%rsp), %xmm12
	punpckhdq	1008(%rsp), %xmm11
	movdqa	%xmm11, %xmm8
	punpcklqdq	%xmm12, %xmm8
	paddd	%xmm9, %xmm8
	paddd	%xmm14, %xmm8
	punpckhdq	1024(%rsp), %xmm13
	punpckhdq	128(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm13, %xmm2
	paddd	%xmm5, %xmm2
	paddd	144(%rsp), %xmm2
	punpckhdq	1040(%rsp), %xmm0
	punpckhdq	112(%rsp), %xmm3
	movdqa	%xmm3, %xmm5
	punpcklqdq	%xmm0, %xmm5
	paddd	%xmm10, %xmm5
	paddd	%xmm1, %xmm5
	punpckhqdq	%xmm0, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	%xmm3, 2384(%rsp)
	punpckhqdq	%xmm13, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 1040(%rsp)
	punpckhqdq	%xmm12, %xmm11
	paddd	%xmm8, %xmm11
	movdqa	%xmm11, 1024(%rsp)
	punpckhqdq	%xmm15, %xmm7
	movdqa	%xmm7, %xmm0
	paddd	%xmm4, %xmm0
	movdqa	%xmm0, 1008(%rsp)
	movdqa	96(%rsp), %xmm0
	movdqa	%xmm0, %xmm14
	movdqa	%xmm0, %xmm9
	movdqa	%xmm0, %xmm13
	pmaddwd	2720(%rsp), %xmm0
	movdqa	%xmm0, %xmm4
	movdqa	%xmm0, 96(%rsp)
	movdqa	80(%rsp), %xmm3
	movdqa	%xmm3, %xmm6
	movdqa	%xmm3, %xmm8
	movdqa	%xmm3, %xmm15
	pmaddwd	1264(%rsp), %xmm3
	movdqa	%xmm3, 80(%rsp)
	movdqa	64(%rsp), %xmm2
	movdqa	%xmm2, %xmm1
	movdqa	%xmm2, %xmm10
	movdqa	%xmm2, %xmm7
	pmaddwd	1280(%rsp), %xmm2
	movdqa	%xmm2, 64(%rsp)
	movdqa	48(%rsp), %xmm12
	movdqa	%xmm12, 160(%rsp)
	movdqa	%xmm12, %xmm11
	movdqa	%xmm12, %xmm5
	pmaddwd	1296(%rsp), %xmm12
	movdqa	%xmm12, 48(%rsp)
	punpckldq	%xmm2, %xmm12
	punpckldq	%xmm0, %xmm3
	movdqa	%xmm3, %xmm4
	punpcklqdq	%xmm12, %xmm4
	paddd	1136(%rsp), %xmm4
	movdqa	%xmm13, %xmm0
	pmaddwd	480(%rsp), %xmm0
	movdqa	%xmm0, 208(%rsp)
	pmaddwd	2704(%rsp), %xmm15
	pmaddwd	512(%rsp), %xmm7
	movdqa	%xmm7, 176(%rsp)
	movdqa	%xmm5, %xmm13
	pmaddwd	336(%rsp), %xmm13
	movdqa	%xmm13, 192(%rsp)
	punpckldq	%xmm7, %xmm13
	movdqa	%xmm15, %xmm7
	punpckldq	%xmm0, %xmm7
	movdqa	%xmm7, %xmm5
	punpcklqdq	%xmm13, %xmm5
	paddd	1152(%rsp), %xmm5
	pmaddwd	416(%rsp), %xmm9
	movdqa	%xmm9, 112(%rsp)
	pmaddwd	448(%rsp), %xmm8
	pmaddwd	464(%rsp), %xmm10
	movdqa	%xmm10, 1136(%rsp)
	pmaddwd	496(%rsp), %xmm11
	movdqa	%xmm11, 1152(%rsp)
	punpckldq	%xmm10, %xmm11
	movdqa	%xmm8, %xmm2
	punpckldq	%xmm9, %xmm2
	movdqa	%xmm2, %xmm9
	punpcklqdq	%xmm11, %xmm9
	paddd	2496(%rsp), %xmm9
	pmaddwd	400(%rsp), %xmm14
	movdqa	%xmm14, 144(%rsp)
	pmaddwd	352(%rsp), %xmm6
	movdqa	%xmm1, %xmm0
	pmaddwd	2688(%rsp), %xmm0
	movdqa	%xmm0, 128(%rsp)
	movdqa	160(%rsp), %xmm1
	pmaddwd	432(%rsp), %xmm1
	movdqa	%xmm1, %xmm10
	punpckldq	%xmm0, %xmm10
	movdqa	%xmm6, %xmm0
	punpckldq	%xmm14, %xmm0
	movdqa	%xmm0, %xmm14
	punpcklqdq	%xmm10, %xmm14
	paddd	2528(%rsp), %xmm14
	punpckhqdq	%xmm10, %xmm0
	punpckhqdq	%xmm11, %xmm2
	punpckhqdq	%xmm13, %xmm7
	punpckhqdq	%xmm12, %xmm3
	movdqa	48(%rsp), %xmm11
	punpckhdq	64(%rsp), %xmm11
	movdqa	80(%rsp), %xmm10
	punpckhdq	96(%rsp), %xmm10
	movdqa	%xmm10, %xmm12
	punpcklqdq	%xmm11, %xmm12
	paddd	%xmm3, %xmm12
	paddd	%xmm4, %xmm12
	movdqa	192(%rsp), %xmm13
	punpckhdq	176(%rsp), %xmm13
	punpckhdq	208(%rsp), %xmm15
	movdqa	%xmm15, %xmm3
	punpcklqdq	%xmm13, %xmm3
	paddd	%xmm7, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	1152(%rsp), %xmm5
	punpckhdq	1136(%rsp), %xmm5
	punpckhdq	112(%rsp), %xmm8
	movdqa	%xmm8, %xmm4
	punpcklqdq	%xmm5, %xmm4
	paddd	%xmm2, %xmm4
	paddd	%xmm9, %xmm4
	punpckhdq	128(%rsp), %xmm1
	punpckhdq	144(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm1, %xmm2
	paddd	%xmm0, %xmm2
	paddd	%xmm14, %xmm2
	punpckhqdq	%xmm1, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 2528(%rsp)
	punpckhqdq	%xmm5, %xmm8
	paddd	%xmm4, %xmm8
	movdqa	%xmm8, 2496(%rsp)
	punpckhqdq	%xmm13, %xmm15
	paddd	%xmm3, %xmm15
	movdqa	%xmm15, 1152(%rsp)
	punpckhqdq	%xmm11, %xmm10
	movdqa	%xmm10, %xmm0
	paddd	%xmm12, %xmm0
	movdqa	%xmm0, 1136(%rsp)
	movd	(%r14,%r8,4), %xmm0
	pshufd	$0, %xmm0, %xmm0
	movdqa	%xmm0, %xmm2
	punpckhbw	.LCPI0_4(%rip), %xmm2
	movdqa	%xmm2, %xmm12
	punpcklwd	.LCPI0_4(%rip), %xmm12
	punpckhwd	.LCPI0_4(%rip), %xmm2
	punpcklbw	.LCPI0_4(%rip), %xmm0
	movdqa	%xmm0, %xmm1
	punpcklwd	.LCPI0_4(%rip), %xmm1
	punpckhwd	.LCPI0_4(%rip), %xmm0
	movdqa	%xmm0, %xmm7
	movdqa	%xmm0, 96(%rsp)
	pmaddwd	1584(%rsp), %xmm0
	movdqa	%xmm0, %xmm4
	movdqa	%xmm0, 160(%rsp)
	movdqa	%xmm1, 80(%rsp)
	movdqa	%xmm1, %xmm8
	pmaddwd	1600(%rsp), %xmm8
	movdqa	%xmm8, 176(%rsp)
	movdqa	%xmm2, %xmm0
	movdqa	%xmm2, 64(%rsp)
	movdqa	%xmm2, %xmm5
	pmaddwd	1616(%rsp), %xmm5
	movdqa	%xmm5, 272(%rsp)
	movdqa	%xmm12, %xmm2
	pmaddwd	1632(%rsp), %xmm2
	movdqa	%xmm2, 192(%rsp)
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm2, 2064(%rsp)
	punpckldq	%xmm4, %xmm8
	movdqa	%xmm8, %xmm13
	punpcklqdq	%xmm2, %xmm13
	paddd	944(%rsp), %xmm13
	movdqa	%xmm7, %xmm4
	pmaddwd	1568(%rsp), %xmm4
	movdqa	%xmm4, 208(%rsp)
	movdqa	%xmm1, %xmm10
	pmaddwd	1520(%rsp), %xmm10
	movdqa	%xmm0, %xmm2
	pmaddwd	1536(%rsp), %xmm2
	movdqa	%xmm2, 320(%rsp)
	movdqa	%xmm12, %xmm15
	pmaddwd	1552(%rsp), %xmm15
	movdqa	%xmm15, 256(%rsp)
	punpckldq	%xmm2, %xmm15
	movdqa	%xmm10, %xmm9
	punpckldq	%xmm4, %xmm9
	movdqa	%xmm9, %xmm14
	punpcklqdq	%xmm15, %xmm14
	paddd	912(%rsp), %xmm14
	movdqa	%xmm7, %xmm4
	pmaddwd	1504(%rsp), %xmm4
	movdqa	%xmm4, 944(%rsp)
	movdqa	%xmm1, %xmm6
	pmaddwd	1488(%rsp), %xmm6
	movdqa	%xmm0, %xmm5
	pmaddwd	1472(%rsp), %xmm5
	movdqa	%xmm5, 912(%rsp)
	movdqa	%xmm12, %xmm11
	movdqa	%xmm12, 48(%rsp)
	pmaddwd	1456(%rsp), %xmm11
	movdqa	%xmm11, %xmm2
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm6, %xmm5
	punpckldq	%xmm4, %xmm5
	movdqa	%xmm5, %xmm3
	punpcklqdq	%xmm2, %xmm3
	paddd	928(%rsp), %xmm3
	movdqa	%xmm3, 128(%rsp)
	movdqa	%xmm7, %xmm4
	pmaddwd	1440(%rsp), %xmm4
	movdqa	%xmm4, 112(%rsp)
	movdqa	%xmm1, %xmm3
	pmaddwd	1424(%rsp), %xmm3
	movdqa	%xmm0, %xmm1
	pmaddwd	1408(%rsp), %xmm1
	movdqa	%xmm1, 928(%rsp)
	movdqa	%xmm12, %xmm0
	pmaddwd	2768(%rsp), %xmm0
	movdqa	%xmm0, %xmm7
	punpckldq	%xmm1, %xmm7
	movdqa	%xmm3, %xmm1
	punpckldq	%xmm4, %xmm1
	movdqa	%xmm1, %xmm4
	punpcklqdq	%xmm7, %xmm4
	paddd	2096(%rsp), %xmm4
	movdqa	%xmm4, 144(%rsp)
	punpckhqdq	%xmm7, %xmm1
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm15, %xmm9
	punpckhqdq	2064(%rsp), %xmm8
	movdqa	192(%rsp), %xmm15
	punpckhdq	272(%rsp), %xmm15
	movdqa	176(%rsp), %xmm7
	punpckhdq	160(%rsp), %xmm7
	movdqa	%xmm7, %xmm4
	punpcklqdq	%xmm15, %xmm4
	paddd	%xmm8, %xmm4
	paddd	%xmm13, %xmm4
	movdqa	256(%rsp), %xmm12
	punpckhdq	320(%rsp), %xmm12
	punpckhdq	208(%rsp), %xmm10
	movdqa	%xmm10, %xmm8
	punpcklqdq	%xmm12, %xmm8
	paddd	%xmm9, %xmm8
	paddd	%xmm14, %xmm8
	punpckhdq	912(%rsp), %xmm11
	punpckhdq	944(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm11, %xmm2
	paddd	%xmm5, %xmm2
	paddd	128(%rsp), %xmm2
	punpckhdq	928(%rsp), %xmm0
	punpckhdq	112(%rsp), %xmm3
	movdqa	%xmm3, %xmm5
	punpcklqdq	%xmm0, %xmm5
	paddd	%xmm1, %xmm5
	paddd	144(%rsp), %xmm5
	punpckhqdq	%xmm0, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	%xmm3, 2096(%rsp)
	punpckhqdq	%xmm11, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 928(%rsp)
	punpckhqdq	%xmm12, %xmm10
	paddd	%xmm8, %xmm10
	movdqa	%xmm10, 912(%rsp)
	punpckhqdq	%xmm15, %xmm7
	movdqa	%xmm7, %xmm0
	paddd	%xmm4, %xmm0
	movdqa	%xmm0, 944(%rsp)
	movdqa	96(%rsp), %xmm7
	movdqa	%xmm7, %xmm1
	pmaddwd	816(%rsp), %xmm1
	movdqa	%xmm1, %xmm5
	movdqa	%xmm1, 192(%rsp)
	movdqa	80(%rsp), %xmm3
	movdqa	%xmm3, %xmm8
	pmaddwd	832(%rsp), %xmm8
	movdqa	%xmm8, 208(%rsp)
	movdqa	64(%rsp), %xmm2
	movdqa	%xmm2, %xmm0
	pmaddwd	848(%rsp), %xmm0
	movdqa	%xmm0, 176(%rsp)
	movdqa	48(%rsp), %xmm1
	movdqa	%xmm1, %xmm4
	pmaddwd	288(%rsp), %xmm4
	movdqa	%xmm4, 112(%rsp)
	punpckldq	%xmm0, %xmm4
	movdqa	%xmm4, 320(%rsp)
	punpckldq	%xmm5, %xmm8
	movdqa	%xmm8, %xmm12
	punpcklqdq	%xmm4, %xmm12
	paddd	960(%rsp), %xmm12
	movdqa	%xmm7, %xmm0
	pmaddwd	800(%rsp), %xmm0
	movdqa	%xmm0, 128(%rsp)
	movdqa	%xmm3, %xmm11
	pmaddwd	752(%rsp), %xmm11
	movdqa	%xmm2, %xmm4
	pmaddwd	768(%rsp), %xmm4
	movdqa	%xmm4, 160(%rsp)
	movdqa	%xmm1, %xmm15
	pmaddwd	784(%rsp), %xmm15
	movdqa	%xmm15, 960(%rsp)
	punpckldq	%xmm4, %xmm15
	movdqa	%xmm11, %xmm9
	punpckldq	%xmm0, %xmm9
	movdqa	%xmm9, %xmm14
	punpcklqdq	%xmm15, %xmm14
	paddd	976(%rsp), %xmm14
	movdqa	%xmm7, %xmm0
	pmaddwd	736(%rsp), %xmm0
	movdqa	%xmm0, 976(%rsp)
	movdqa	%xmm3, %xmm6
	pmaddwd	720(%rsp), %xmm6
	movdqa	%xmm2, %xmm5
	movdqa	%xmm2, %xmm10
	pmaddwd	704(%rsp), %xmm5
	movdqa	%xmm5, 256(%rsp)
	movdqa	%xmm1, %xmm13
	movdqa	%xmm1, %xmm4
	pmaddwd	1392(%rsp), %xmm13
	movdqa	%xmm13, %xmm2
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm6, %xmm5
	punpckldq	%xmm0, %xmm5
	movdqa	%xmm5, %xmm0
	punpcklqdq	%xmm2, %xmm0
	paddd	992(%rsp), %xmm0
	movdqa	%xmm0, 144(%rsp)
	movdqa	%xmm7, %xmm1
	pmaddwd	1376(%rsp), %xmm1
	movdqa	%xmm1, 992(%rsp)
	pmaddwd	1360(%rsp), %xmm3
	pmaddwd	1344(%rsp), %xmm10
	movdqa	%xmm10, 272(%rsp)
	movdqa	%xmm4, %xmm0
	pmaddwd	2752(%rsp), %xmm0
	movdqa	%xmm0, %xmm7
	punpckldq	%xmm10, %xmm7
	movdqa	%xmm3, %xmm10
	punpckldq	%xmm1, %xmm10
	movdqa	%xmm10, %xmm1
	punpcklqdq	%xmm7, %xmm1
	paddd	2256(%rsp), %xmm1
	punpckhqdq	%xmm7, %xmm10
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm15, %xmm9
	punpckhqdq	320(%rsp), %xmm8
	movdqa	112(%rsp), %xmm15
	punpckhdq	176(%rsp), %xmm15
	movdqa	208(%rsp), %xmm7
	punpckhdq	192(%rsp), %xmm7
	movdqa	%xmm7, %xmm4
	punpcklqdq	%xmm15, %xmm4
	paddd	%xmm8, %xmm4
	paddd	%xmm12, %xmm4
	movdqa	960(%rsp), %xmm12
	punpckhdq	160(%rsp), %xmm12
	punpckhdq	128(%rsp), %xmm11
	movdqa	%xmm11, %xmm8
	punpcklqdq	%xmm12, %xmm8
	paddd	%xmm9, %xmm8
	paddd	%xmm14, %xmm8
	punpckhdq	256(%rsp), %xmm13
	punpckhdq	976(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm13, %xmm2
	paddd	%xmm5, %xmm2
	paddd	144(%rsp), %xmm2
	punpckhdq	272(%rsp), %xmm0
	punpckhdq	992(%rsp), %xmm3
	movdqa	%xmm3, %xmm5
	punpcklqdq	%xmm0, %xmm5
	paddd	%xmm10, %xmm5
	paddd	%xmm1, %xmm5
	punpckhqdq	%xmm0, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	%xmm3, 2256(%rsp)
	punpckhqdq	%xmm13, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 992(%rsp)
	punpckhqdq	%xmm12, %xmm11
	paddd	%xmm8, %xmm11
	movdqa	%xmm11, 976(%rsp)
	punpckhqdq	%xmm15, %xmm7
	movdqa	%xmm7, %xmm0
	paddd	%xmm4, %xmm0
	movdqa	%xmm0, 960(%rsp)
	movdqa	96(%rsp), %xmm3
	movdqa	%xmm3, %xmm0
	pmaddwd	672(%rsp), %xmm0
	movdqa	%xmm0, %xmm5
	movdqa	%xmm0, 176(%rsp)
	movdqa	80(%rsp), %xmm7
	movdqa	%xmm7, %xmm8
	pmaddwd	688(%rsp), %xmm8
	movdqa	%xmm8, 192(%rsp)
	movdqa	64(%rsp), %xmm1
	movdqa	%xmm1, %xmm4
	pmaddwd	368(%rsp), %xmm4
	movdqa	%xmm4, 160(%rsp)
	movdqa	48(%rsp), %xmm0
	movdqa	%xmm0, %xmm2
	pmaddwd	240(%rsp), %xmm2
	movdqa	%xmm2, 208(%rsp)
	punpckldq	%xmm4, %xmm2
	movdqa	%xmm2, 320(%rsp)
	punpckldq	%xmm5, %xmm8
	movdqa	%xmm8, %xmm12
	punpcklqdq	%xmm2, %xmm12
	paddd	1056(%rsp), %xmm12
	movdqa	%xmm3, %xmm4
	pmaddwd	656(%rsp), %xmm4
	movdqa	%xmm4, 1056(%rsp)
	movdqa	%xmm7, %xmm11
	pmaddwd	608(%rsp), %xmm11
	movdqa	%xmm1, %xmm2
	pmaddwd	624(%rsp), %xmm2
	movdqa	%xmm2, 256(%rsp)
	movdqa	%xmm0, %xmm15
	pmaddwd	640(%rsp), %xmm15
	movdqa	%xmm15, 272(%rsp)
	punpckldq	%xmm2, %xmm15
	movdqa	%xmm11, %xmm9
	punpckldq	%xmm4, %xmm9
	movdqa	%xmm9, %xmm14
	punpcklqdq	%xmm15, %xmm14
	paddd	1072(%rsp), %xmm14
	movdqa	%xmm3, %xmm4
	pmaddwd	592(%rsp), %xmm4
	movdqa	%xmm4, 128(%rsp)
	movdqa	%xmm7, %xmm6
	pmaddwd	576(%rsp), %xmm6
	movdqa	%xmm1, %xmm5
	pmaddwd	560(%rsp), %xmm5
	movdqa	%xmm5, 1072(%rsp)
	movdqa	%xmm0, %xmm13
	pmaddwd	544(%rsp), %xmm13
	movdqa	%xmm13, %xmm2
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm6, %xmm5
	punpckldq	%xmm4, %xmm5
	movdqa	%xmm5, %xmm4
	punpcklqdq	%xmm2, %xmm4
	paddd	1088(%rsp), %xmm4
	movdqa	%xmm4, 144(%rsp)
	movdqa	%xmm3, %xmm4
	pmaddwd	528(%rsp), %xmm4
	movdqa	%xmm4, 112(%rsp)
	movdqa	%xmm7, %xmm3
	pmaddwd	1328(%rsp), %xmm3
	pmaddwd	1312(%rsp), %xmm1
	movdqa	%xmm1, 1088(%rsp)
	pmaddwd	2736(%rsp), %xmm0
	movdqa	%xmm0, %xmm7
	punpckldq	%xmm1, %xmm7
	movdqa	%xmm3, %xmm10
	punpckldq	%xmm4, %xmm10
	movdqa	%xmm10, %xmm1
	punpcklqdq	%xmm7, %xmm1
	paddd	2416(%rsp), %xmm1
	punpckhqdq	%xmm7, %xmm10
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm15, %xmm9
	punpckhqdq	320(%rsp), %xmm8
	movdqa	208(%rsp), %xmm15
	punpckhdq	160(%rsp), %xmm15
	movdqa	192(%rsp), %xmm7
	punpckhdq	176(%rsp), %xmm7
	movdqa	%xmm7, %xmm4
	punpcklqdq	%xmm15, %xmm4
	paddd	%xmm8, %xmm4
	paddd	%xmm12, %xmm4
	movdqa	272(%rsp), %xmm12
	punpckhdq	256(%rsp), %xmm12
	punpckhdq	1056(%rsp), %xmm11
	movdqa	%xmm11, %xmm8
	punpcklqdq	%xmm12, %xmm8
	paddd	%xmm9, %xmm8
	paddd	%xmm14, %xmm8
	punpckhdq	1072(%rsp), %xmm13
	punpckhdq	128(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm13, %xmm2
	paddd	%xmm5, %xmm2
	paddd	144(%rsp), %xmm2
	punpckhdq	1088(%rsp), %xmm0
	punpckhdq	112(%rsp), %xmm3
	movdqa	%xmm3, %xmm5
	punpcklqdq	%xmm0, %xmm5
	paddd	%xmm10, %xmm5
	paddd	%xmm1, %xmm5
	punpckhqdq	%xmm0, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	%xmm3, 2416(%rsp)
	punpckhqdq	%xmm13, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 1088(%rsp)
	punpckhqdq	%xmm12, %xmm11
	paddd	%xmm8, %xmm11
	movdqa	%xmm11, 1072(%rsp)
	punpckhqdq	%xmm15, %xmm7
	movdqa	%xmm7, %xmm0
	paddd	%xmm4, %xmm0
	movdqa	%xmm0, 1056(%rsp)
	movdqa	96(%rsp), %xmm0
	movdqa	%xmm0, %xmm14
	movdqa	%xmm0, %xmm9
	movdqa	%xmm0, %xmm13
	pmaddwd	2720(%rsp), %xmm0
	movdqa	%xmm0, %xmm4
	movdqa	%xmm0, 96(%rsp)
	movdqa	80(%rsp), %xmm3
	movdqa	%xmm3, %xmm6
	movdqa	%xmm3, %xmm8
	movdqa	%xmm3, %xmm15
	pmaddwd	1264(%rsp), %xmm3
	movdqa	%xmm3, 80(%rsp)
	movdqa	64(%rsp), %xmm2
	movdqa	%xmm2, %xmm1
	movdqa	%xmm2, %xmm10
	movdqa	%xmm2, %xmm7
	pmaddwd	1280(%rsp), %xmm2
	movdqa	%xmm2, 64(%rsp)
	movdqa	48(%rsp), %xmm12
	movdqa	%xmm12, 160(%rsp)
	movdqa	%xmm12, %xmm11
	movdqa	%xmm12, %xmm5
	pmaddwd	1296(%rsp), %xmm12
	movdqa	%xmm12, 48(%rsp)
	punpckldq	%xmm2, %xmm12
	punpckldq	%xmm0, %xmm3
	movdqa	%xmm3, %xmm4
	punpcklqdq	%xmm12, %xmm4
	paddd	1168(%rsp), %xmm4
	movdqa	%xmm13, %xmm0
	pmaddwd	480(%rsp), %xmm0
	movdqa	%xmm0, 208(%rsp)
	pmaddwd	2704(%rsp), %xmm15
	pmaddwd	512(%rsp), %xmm7
	movdqa	%xmm7, 176(%rsp)
	movdqa	%xmm5, %xmm13
	pmaddwd	336(%rsp), %xmm13
	movdqa	%xmm13, 192(%rsp)
	punpckldq	%xmm7, %xmm13
	movdqa	%xmm15, %xmm7
	punpckldq	%xmm0, %xmm7
	movdqa	%xmm7, %xmm5
	punpcklqdq	%xmm13, %xmm5
	paddd	1184(%rsp), %xmm5
	pmaddwd	416(%rsp), %xmm9
	movdqa	%xmm9, 112(%rsp)
	pmaddwd	448(%rsp), %xmm8
	pmaddwd	464(%rsp), %xmm10
	movdqa	%xmm10, 1168(%rsp)
	pmaddwd	496(%rsp), %xmm11
	movdqa	%xmm11, 1184(%rsp)
	punpckldq	%xmm10, %xmm11
	movdqa	%xmm8, %xmm2
	punpckldq	%xmm9, %xmm2
	movdqa	%xmm2, %xmm9
	punpcklqdq	%xmm11, %xmm9
	paddd	2560(%rsp), %xmm9
	pmaddwd	400(%rsp), %xmm14
	movdqa	%xmm14, 144(%rsp)
	pmaddwd	352(%rsp), %xmm6
	movdqa	%xmm1, %xmm0
	pmaddwd	2688(%rsp), %xmm0
	movdqa	%xmm0, 128(%rsp)
	movdqa	160(%rsp), %xmm1
	pmaddwd	432(%rsp), %xmm1
	movdqa	%xmm1, %xmm10
	punpckldq	%xmm0, %xmm10
	movdqa	%xmm6, %xmm0
	punpckldq	%xmm14, %xmm0
	movdqa	%xmm0, %xmm14
	punpcklqdq	%xmm10, %xmm14
	paddd	2576(%rsp), %xmm14
	punpckhqdq	%xmm10, %xmm0
	punpckhqdq	%xmm11, %xmm2
	punpckhqdq	%xmm13, %xmm7
	punpckhqdq	%xmm12, %xmm3
	movdqa	48(%rsp), %xmm11
	punpckhdq	64(%rsp), %xmm11
	movdqa	80(%rsp), %xmm10
	punpckhdq	96(%rsp), %xmm10
	movdqa	%xmm10, %xmm12
	punpcklqdq	%xmm11, %xmm12
	paddd	%xmm3, %xmm12
	paddd	%xmm4, %xmm12
	movdqa	192(%rsp), %xmm13
	punpckhdq	176(%rsp), %xmm13
	punpckhdq	208(%rsp), %xmm15
	movdqa	%xmm15, %xmm3
	punpcklqdq	%xmm13, %xmm3
	paddd	%xmm7, %xmm3
	paddd	%xmm5, %xmm3
	movdqa	1184(%rsp), %xmm5
	punpckhdq	1168(%rsp), %xmm5
	punpckhdq	112(%rsp), %xmm8
	movdqa	%xmm8, %xmm4
	punpcklqdq	%xmm5, %xmm4
	paddd	%xmm2, %xmm4
	paddd	%xmm9, %xmm4
	punpckhdq	128(%rsp), %xmm1
	punpckhdq	144(%rsp), %xmm6
	movdqa	%xmm6, %xmm2
	punpcklqdq	%xmm1, %xmm2
	paddd	%xmm0, %xmm2
	paddd	%xmm14, %xmm2
	punpckhqdq	%xmm1, %xmm6
	paddd	%xmm2, %xmm6
	movdqa	%xmm6, 2576(%rsp)
	punpckhqdq	%xmm5, %xmm8
	paddd	%xmm4, %xmm8
	movdqa	%xmm8, 2560(%rsp)
	punpckhqdq	%xmm13, %xmm15
	paddd	%xmm3, %xmm15
	movdqa	%xmm15, 1184(%rsp)
	punpckhqdq	%xmm11, %xmm10
	movdqa	%xmm10, %xmm0
	paddd	%xmm12, %xmm0
	movdqa	%xmm0, 1168(%rsp)
	movd	(%r12,%r8,4), %xmm0
	pshufd	$0, %xmm0, %xmm0
	movdqa	%xmm0, %xmm1
	punpckhbw	.LCPI0_4(%rip), %xmm1
	movdqa	%xmm1, %xmm2
	punpcklwd	.LCPI0_4(%rip), %xmm2
	movdqa	%xmm2, %xmm6
	punpckhwd	.LCPI0_4(%rip), %xmm1
	movdqa	%xmm1, %xmm14
	punpcklbw	.LCPI0_4(%rip), %xmm0
	movdqa	%xmm0, %xmm10
	punpcklwd	.LCPI0_4(%rip), %xmm10
	punpckhwd	.LCPI0_4(%rip), %xmm0
	movdqa	%xmm0, %xmm9
	movdqa	1584(%rsp), %xmm1
	pmaddwd	%xmm0, %xmm1
	movdqa	%xmm1, 1584(%rsp)
	movdqa	1600(%rsp), %xmm7
	pmaddwd	%xmm10, %xmm7
	movdqa	%xmm7, 1600(%rsp)
	movdqa	1616(%rsp), %xmm0
	pmaddwd	%xmm14, %xmm0
	movdqa	%xmm0, 1616(%rsp)
	movdqa	1632(%rsp), %xmm13
	pmaddwd	%xmm2, %xmm13
	movdqa	%xmm13, 1632(%rsp)
	punpckldq	%xmm0, %xmm13
	punpckldq	%xmm1, %xmm7
	movdqa	%xmm7, %xmm4
	punpcklqdq	%xmm13, %xmm4
	paddd	2112(%rsp), %xmm4
	movdqa	1568(%rsp), %xmm3
	pmaddwd	%xmm9, %xmm3
	movdqa	%xmm3, 1568(%rsp)
	movdqa	1520(%rsp), %xmm15
	pmaddwd	%xmm10, %xmm15
	movdqa	%xmm15, 1520(%rsp)
	movdqa	1536(%rsp), %xmm1
	pmaddwd	%xmm14, %xmm1
	movdqa	%xmm1, 1536(%rsp)
	movdqa	1552(%rsp), %xmm0
	pmaddwd	%xmm2, %xmm0
	movdqa	%xmm0, 1552(%rsp)
	movdqa	%xmm2, %xmm8
	movdqa	%xmm2, 48(%rsp)
	movdqa	%xmm0, %xmm6
	punpckldq	%xmm1, %xmm6
	punpckldq	%xmm3, %xmm15
	movdqa	%xmm15, %xmm11
	punpcklqdq	%xmm6, %xmm11
	paddd	2128(%rsp), %xmm11
	movdqa	1504(%rsp), %xmm1
	movdqa	%xmm9, %xmm12
	movdqa	%xmm9, 96(%rsp)
	pmaddwd	%xmm9, %xmm1
	movdqa	%xmm1, 1504(%rsp)
	movdqa	1488(%rsp), %xmm0
	pmaddwd	%xmm10, %xmm0
	movdqa	%xmm0, 1488(%rsp)
	movdqa	%xmm10, 80(%rsp)
	movdqa	1472(%rsp), %xmm5
	pmaddwd	%xmm14, %xmm5
	movdqa	%xmm5, 1472(%rsp)
	movdqa	%xmm14, %xmm9
	movdqa	%xmm14, 64(%rsp)
	movdqa	1456(%rsp), %xmm2
	pmaddwd	%xmm8, %xmm2
	movdqa	%xmm2, 1456(%rsp)
	punpckldq	%xmm5, %xmm2
	movdqa	%xmm0, %xmm14
	punpckldq	%xmm1, %xmm14
	movdqa	%xmm14, %xmm8
	punpcklqdq	%xmm2, %xmm8
	paddd	2144(%rsp), %xmm8
	movdqa	1440(%rsp), %xmm1
	pmaddwd	%xmm12, %xmm1
	movdqa	%xmm1, 1440(%rsp)
	movdqa	1424(%rsp), %xmm0
	pmaddwd	%xmm10, %xmm0
	movdqa	%xmm0, 1424(%rsp)
	movdqa	1408(%rsp), %xmm3
	pmaddwd	%xmm9, %xmm3
	movdqa	%xmm3, 1408(%rsp)
	movdqa	2768(%rsp), %xmm9
	pmaddwd	48(%rsp), %xmm9
	movdqa	%xmm9, %xmm10
	punpckldq	%xmm3, %xmm10
	movdqa	%xmm0, %xmm5
	punpckldq	%xmm1, %xmm5
	movdqa	%xmm5, %xmm12
	punpcklqdq	%xmm10, %xmm12
	paddd	2160(%rsp), %xmm12
	punpckhqdq	%xmm10, %xmm5
	punpckhqdq	%xmm2, %xmm14
	punpckhqdq	%xmm6, %xmm15
	punpckhqdq	%xmm13, %xmm7
	movdqa	1632(%rsp), %xmm10
	punpckhdq	1616(%rsp), %xmm10
	movdqa	1600(%rsp), %xmm13
	punpckhdq	1584(%rsp), %xmm13
	movdqa	%xmm13, %xmm6
	punpcklqdq	%xmm10, %xmm6
	paddd	%xmm7, %xmm6
	paddd	%xmm4, %xmm6
	movdqa	1552(%rsp), %xmm7
	punpckhdq	1536(%rsp), %xmm7
	movdqa	1520(%rsp), %xmm4
	punpckhdq	1568(%rsp), %xmm4
	movdqa	%xmm4, %xmm2
	punpcklqdq	%xmm7, %xmm2
	paddd	%xmm15, %xmm2
	paddd	%xmm11, %xmm2
	movdqa	1456(%rsp), %xmm3
	punpckhdq	1472(%rsp), %xmm3
	movdqa	1488(%rsp), %xmm1
	punpckhdq	1504(%rsp), %xmm1
	movdqa	%xmm1, %xmm0
	movdqa	%xmm1, %xmm15
	punpcklqdq	%xmm3, %xmm0
	movdqa	%xmm3, %xmm11
	paddd	%xmm14, %xmm0
	paddd	%xmm8, %xmm0
	punpckhdq	1408(%rsp), %xmm9
	movdqa	1424(%rsp), %xmm3
	punpckhdq	1440(%rsp), %xmm3
	movdqa	%xmm3, %xmm1
	punpcklqdq	%xmm9, %xmm1
	paddd	%xmm5, %xmm1
	paddd	%xmm12, %xmm1
	punpckhqdq	%xmm9, %xmm3
	paddd	%xmm1, %xmm3
	movdqa	%xmm3, 2160(%rsp)
	punpckhqdq	%xmm11, %xmm15
	movdqa	%xmm15, %xmm1
	paddd	%xmm0, %xmm1
	movdqa	%xmm1, 2144(%rsp)
	punpckhqdq	%xmm7, %xmm4
	movdqa	%xmm4, %xmm0
	paddd	%xmm2, %xmm0
	movdqa	%xmm0, 2128(%rsp)
	punpckhqdq	%xmm10, %xmm13
	movdqa	%xmm13, %xmm0
	paddd	%xmm6, %xmm0
	movdqa	%xmm0, 2112(%rsp)
	movdqa	816(%rsp), %xmm1
	movdqa	96(%rsp), %xmm12
	pmaddwd	%xmm12, %xmm1
	movdqa	%xmm1, 816(%rsp)
	movdqa	832(%rsp), %xmm4
	movdqa	80(%rsp), %xmm10
	pmaddwd	%xmm10, %xmm4
	movdqa	%xmm4, 832(%rsp)
	movdqa	848(%rsp), %xmm0
	movdqa	64(%rsp), %xmm8
	pmaddwd	%xmm8, %xmm0
	movdqa	%xmm0, 848(%rsp)
	movdqa	288(%rsp), %xmm13
	movdqa	48(%rsp), %xmm6
	pmaddwd	%xmm6, %xmm13
	movdqa	%xmm13, 288(%rsp)
	punpckldq	%xmm0, %xmm13
	punpckldq	%xmm1, %xmm4
	movdqa	%xmm4, %xmm9
	punpcklqdq	%xmm13, %xmm9
	paddd	2320(%rsp), %xmm9
	movdqa	800(%rsp), %xmm5
	pmaddwd	%xmm12, %xmm5
	movdqa	%xmm5, 800(%rsp)
	movdqa	752(%rsp), %xmm15
	pmaddwd	%xmm10, %xmm15
	movdqa	%xmm15, 752(%rsp)
	movdqa	768(%rsp), %xmm1
	pmaddwd	%xmm8, %xmm1
	movdqa	%xmm1, 768(%rsp)
	movdqa	784(%rsp), %xmm0
	movdqa	%xmm6, %xmm2
	pmaddwd	%xmm6, %xmm0
	movdqa	%xmm0, 784(%rsp)
	movdqa	%xmm0, %xmm6
	punpckldq	%xmm1, %xmm6
	punpckldq	%xmm5, %xmm15
	movdqa	%xmm15, %xmm14
	punpcklqdq	%xmm6, %xmm14
	paddd	2336(%rsp), %xmm14
	movdqa	736(%rsp), %xmm11
	movdqa	%xmm12, %xmm0
	pmaddwd	%xmm12, %xmm11
	movdqa	%xmm11, 736(%rsp)
	movdqa	720(%rsp), %xmm12
	pmaddwd	%xmm10, %xmm12
	movdqa	%xmm12, 720(%rsp)
	movdqa	704(%rsp), %xmm5
	pmaddwd	%xmm8, %xmm5
	movdqa	%xmm5, 704(%rsp)
	movdqa	1392(%rsp), %xmm3
	pmaddwd	%xmm2, %xmm3
	movdqa	%xmm3, 1392(%rsp)
	punpckldq	%xmm5, %xmm3
	movdqa	%xmm12, %xmm7
	punpckldq	%xmm11, %xmm7
	movdqa	%xmm7, %xmm11
	punpcklqdq	%xmm3, %xmm11
	paddd	2368(%rsp), %xmm11
	movdqa	1376(%rsp), %xmm12
	pmaddwd	%xmm0, %xmm12
	movdqa	%xmm12, 1376(%rsp)
	movdqa	1360(%rsp), %xmm0
	pmaddwd	%xmm10, %xmm0
	movdqa	%xmm0, 1360(%rsp)
	movdqa	1344(%rsp), %xmm1
	pmaddwd	%xmm8, %xmm1
	movdqa	%xmm1, 1344(%rsp)
	movdqa	2752(%rsp), %xmm5
	pmaddwd	%xmm2, %xmm5
	movdqa	%xmm5, %xmm2
	movdqa	%xmm5, %xmm8
	punpckldq	%xmm1, %xmm2
	movdqa	%xmm0, %xmm5
	punpckldq	%xmm12, %xmm5
	movdqa	%xmm5, %xmm12
	punpcklqdq	%xmm2, %xmm12
	paddd	2400(%rsp), %xmm12
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm3, %xmm7
	punpckhqdq	%xmm6, %xmm15
	punpckhqdq	%xmm13, %xmm4
	movdqa	288(%rsp), %xmm0
	punpckhdq	848(%rsp), %xmm0
	movdqa	%xmm0, 288(%rsp)
	movdqa	832(%rsp), %xmm13
	punpckhdq	816(%rsp), %xmm13
	movdqa	%xmm13, %xmm6
	punpcklqdq	%xmm0, %xmm6
	paddd	%xmm4, %xmm6
	paddd	%xmm9, %xmm6
	movdqa	784(%rsp), %xmm10
	punpckhdq	768(%rsp), %xmm10
	movdqa	752(%rsp), %xmm4
	punpckhdq	800(%rsp), %xmm4
	movdqa	%xmm4, %xmm2
	movdqa	%xmm4, %xmm9
	punpcklqdq	%xmm10, %xmm2
	paddd	%xmm15, %xmm2
	paddd	%xmm14, %xmm2
	movdqa	1392(%rsp), %xmm3
	punpckhdq	704(%rsp), %xmm3
	movdqa	720(%rsp), %xmm1
	punpckhdq	736(%rsp), %xmm1
	movdqa	%xmm1, %xmm0
	movdqa	%xmm1, %xmm4
	punpcklqdq	%xmm3, %xmm0
	movdqa	%xmm3, %xmm14
	paddd	%xmm7, %xmm0
	paddd	%xmm11, %xmm0
	punpckhdq	1344(%rsp), %xmm8
	movdqa	1360(%rsp), %xmm3
	punpckhdq	1376(%rsp), %xmm3
	movdqa	%xmm3, %xmm1
	punpcklqdq	%xmm8, %xmm1
	paddd	%xmm5, %xmm1
	paddd	%xmm12, %xmm1
	punpckhqdq	%xmm8, %xmm3
	paddd	%xmm1, %xmm3
	movdqa	%xmm3, 2400(%rsp)
	punpckhqdq	%xmm14, %xmm4
	movdqa	%xmm4, %xmm1
	paddd	%xmm0, %xmm1
	movdqa	%xmm1, 2368(%rsp)
	punpckhqdq	%xmm10, %xmm9
	movdqa	%xmm9, %xmm0
	paddd	%xmm2, %xmm0
	movdqa	%xmm0, 2336(%rsp)
	punpckhqdq	288(%rsp), %xmm13
	movdqa	%xmm13, %xmm0
	paddd	%xmm6, %xmm0
	movdqa	%xmm0, 2320(%rsp)
	movdqa	672(%rsp), %xmm5
	movdqa	96(%rsp), %xmm1
	pmaddwd	%xmm1, %xmm5
	movdqa	%xmm5, 672(%rsp)
	movdqa	688(%rsp), %xmm4
	movdqa	80(%rsp), %xmm7
	pmaddwd	%xmm7, %xmm4
	movdqa	%xmm4, 688(%rsp)
	movdqa	368(%rsp), %xmm0
	movdqa	64(%rsp), %xmm10
	pmaddwd	%xmm10, %xmm0
	movdqa	%xmm0, 368(%rsp)
	movdqa	240(%rsp), %xmm13
	movdqa	48(%rsp), %xmm2
	pmaddwd	%xmm2, %xmm13
	movdqa	%xmm13, 240(%rsp)
	punpckldq	%xmm0, %xmm13
	punpckldq	%xmm5, %xmm4
	movdqa	%xmm4, %xmm9
	punpcklqdq	%xmm13, %xmm9
	paddd	2448(%rsp), %xmm9
	movdqa	656(%rsp), %xmm0
	movdqa	%xmm1, %xmm11
	pmaddwd	%xmm1, %xmm0
	movdqa	%xmm0, 656(%rsp)
	movdqa	608(%rsp), %xmm15
	movdqa	%xmm7, %xmm12
	pmaddwd	%xmm7, %xmm15
	movdqa	%xmm15, 608(%rsp)
	movdqa	624(%rsp), %xmm1
	pmaddwd	%xmm10, %xmm1
	movdqa	%xmm1, 624(%rsp)
	movdqa	640(%rsp), %xmm6
	pmaddwd	%xmm2, %xmm6
	movdqa	%xmm6, 640(%rsp)
	punpckldq	%xmm1, %xmm6
	punpckldq	%xmm0, %xmm15
	movdqa	%xmm15, %xmm14
	punpcklqdq	%xmm6, %xmm14
	paddd	2480(%rsp), %xmm14
	movdqa	592(%rsp), %xmm8
	pmaddwd	%xmm11, %xmm8
	movdqa	%xmm8, 592(%rsp)
	movdqa	%xmm11, %xmm0
	movdqa	576(%rsp), %xmm7
	pmaddwd	%xmm12, %xmm7
	movdqa	%xmm7, 576(%rsp)
	movdqa	%xmm12, %xmm11
	movdqa	560(%rsp), %xmm5
	pmaddwd	%xmm10, %xmm5
	movdqa	%xmm5, 560(%rsp)
	movdqa	544(%rsp), %xmm3
	pmaddwd	%xmm2, %xmm3
	movdqa	%xmm3, 544(%rsp)
	punpckldq	%xmm5, %xmm3
	punpckldq	%xmm8, %xmm7
	movdqa	%xmm7, %xmm8
	punpcklqdq	%xmm3, %xmm8
	paddd	2512(%rsp), %xmm8
	movdqa	528(%rsp), %xmm12
	pmaddwd	%xmm0, %xmm12
	movdqa	%xmm12, 528(%rsp)
	movdqa	1328(%rsp), %xmm0
	pmaddwd	%xmm11, %xmm0
	movdqa	%xmm0, 1328(%rsp)
	movdqa	1312(%rsp), %xmm1
	pmaddwd	%xmm10, %xmm1
	movdqa	%xmm1, 1312(%rsp)
	movdqa	2736(%rsp), %xmm10
	pmaddwd	%xmm2, %xmm10
	movdqa	%xmm10, %xmm2
	punpckldq	%xmm1, %xmm2
	movdqa	%xmm0, %xmm5
	punpckldq	%xmm12, %xmm5
	movdqa	%xmm5, %xmm12
	punpcklqdq	%xmm2, %xmm12
	paddd	2544(%rsp), %xmm12
	punpckhqdq	%xmm2, %xmm5
	punpckhqdq	%xmm3, %xmm7
	punpckhqdq	%xmm6, %xmm15
	punpckhqdq	%xmm13, %xmm4
	movdqa	240(%rsp), %xmm0
	punpckhdq	368(%rsp), %xmm0
	movdqa	%xmm0, 240(%rsp)
	movdqa	688(%rsp), %xmm13
	punpckhdq	672(%rsp), %xmm13
	movdqa	%xmm13, %xmm6
	punpcklqdq	%xmm0, %xmm6
	paddd	%xmm4, %xmm6
	paddd	%xmm9, %xmm6
	movdqa	640(%rsp), %xmm11
	punpckhdq	624(%rsp), %xmm11
	movdqa	608(%rsp), %xmm4
	punpckhdq	656(%rsp), %xmm4
	movdqa	%xmm4, %xmm2
	movdqa	%xmm4, %xmm9
	punpcklqdq	%xmm11, %xmm2
	paddd	%xmm15, %xmm2
	paddd	%xmm14, %xmm2
	movdqa	544(%rsp), %xmm3
	punpckhdq	560(%rsp), %xmm3
	movdqa	576(%rsp), %xmm1
	punpckhdq	592(%rsp), %xmm1
	movdqa	%xmm1, %xmm0
	movdqa	%xmm1, %xmm4
	punpcklqdq	%xmm3, %xmm0
	movdqa	%xmm3, %xmm14
	paddd	%xmm7, %xmm0
	paddd	%xmm8, %xmm0
	punpckhdq	1312(%rsp), %xmm10
	movdqa	1328(%rsp), %xmm3
	punpckhdq	528(%rsp), %xmm3
	movdqa	%xmm3, %xmm1
	punpcklqdq	%xmm10, %xmm1
	paddd	%xmm5, %xmm1
	paddd	%xmm12, %xmm1
	punpckhqdq	%xmm10, %xmm3
	paddd	%xmm1, %xmm3
	movdqa	%xmm3, 2544(%rsp)
	punpckhqdq	%xmm14, %xmm4
	movdqa	%xmm4, %xmm1
	paddd	%xmm0, %xmm1
	movdqa	%xmm1, 2512(%rsp)
	punpckhqdq	%xmm11, %xmm9
	movdqa	%xmm9, %xmm0
	paddd	%xmm2, %xmm0
	movdqa	%xmm0, 2480(%rsp)
	punpckhqdq	240(%rsp), %xmm13
	movdqa	%xmm13, %xmm0
	paddd	%xmm6, %xmm0
	movdqa	%xmm0, 2448(%rsp)
	movdqa	400(%rsp), %xmm12
	movdqa	96(%rsp), %xmm0
	pmaddwd	%xmm0, %xmm12
	movdqa	%xmm12, 400(%rsp)
	movdqa	416(%rsp), %xmm14
	pmaddwd	%xmm0, %xmm14
	movdqa	%xmm14, 416(%rsp)
	movdqa	480(%rsp), %xmm11
	pmaddwd	%xmm0, %xmm11
	movdqa	%xmm11, 480(%rsp)
	pmaddwd	2720(%rsp), %xmm0
	movdqa	%xmm0, %xmm9
	movdqa	%xmm0, 96(%rsp)
	movdqa	352(%rsp), %xmm0
	movdqa	80(%rsp), %xmm2
	pmaddwd	%xmm2, %xmm0
	movdqa	%xmm0, 352(%rsp)
	movdqa	448(%rsp), %xmm1
	pmaddwd	%xmm2, %xmm1
	movdqa	%xmm1, 448(%rsp)
	movdqa	2704(%rsp), %xmm8
	pmaddwd	%xmm2, %xmm8
	pmaddwd	1264(%rsp), %xmm2
	movdqa	%xmm2, %xmm15
	movdqa	%xmm2, 80(%rsp)
	movdqa	2688(%rsp), %xmm10
	movdqa	64(%rsp), %xmm2
	pmaddwd	%xmm2, %xmm10
	movdqa	464(%rsp), %xmm6
	pmaddwd	%xmm2, %xmm6
	movdqa	%xmm6, 464(%rsp)
	movdqa	512(%rsp), %xmm0
	pmaddwd	%xmm2, %xmm0
	movdqa	%xmm0, 512(%rsp)
	pmaddwd	1280(%rsp), %xmm2
	movdqa	%xmm2, %xmm4
	movdqa	%xmm2, 64(%rsp)
	movdqa	432(%rsp), %xmm2
	movdqa	48(%rsp), %xmm13
	pmaddwd	%xmm13, %xmm2
	movdqa	%xmm2, 432(%rsp)
	movdqa	496(%rsp), %xmm5
	pmaddwd	%xmm13, %xmm5
	movdqa	%xmm5, 496(%rsp)
	movdqa	336(%rsp), %xmm3
	pmaddwd	%xmm13, %xmm3
	movdqa	%xmm3, 336(%rsp)
	pmaddwd	1296(%rsp), %xmm13
	movdqa	%xmm13, 48(%rsp)
	punpckldq	%xmm4, %xmm13
	movdqa	%xmm15, %xmm7
	punpckldq	%xmm9, %xmm7
	movdqa	%xmm7, %xmm9
	punpcklqdq	%xmm13, %xmm9
	paddd	224(%rsp), %xmm9
	movdqa	%xmm3, %xmm4
	punpckldq	%xmm0, %xmm4
	movdqa	%xmm8, %xmm3
	punpckldq	%xmm11, %xmm3
	movdqa	%xmm3, %xmm15
	punpcklqdq	%xmm4, %xmm15
	paddd	2592(%rsp), %xmm15
	movdqa	%xmm5, %xmm0
	punpckldq	%xmm6, %xmm0
	movdqa	%xmm1, %xmm6
	punpckldq	%xmm14, %xmm6
	movdqa	%xmm6, %xmm14
	punpcklqdq	%xmm0, %xmm14
	paddd	2608(%rsp), %xmm14
	punpckldq	%xmm10, %xmm2
	movdqa	352(%rsp), %xmm5
	movdqa	%xmm5, %xmm11
	punpckldq	%xmm12, %xmm11
	movdqa	%xmm11, %xmm12
	punpcklqdq	%xmm2, %xmm12
	paddd	2624(%rsp), %xmm12
	punpckhqdq	%xmm2, %xmm11
	punpckhqdq	%xmm0, %xmm6
	punpckhqdq	%xmm4, %xmm3
	punpckhqdq	%xmm13, %xmm7
	movdqa	48(%rsp), %xmm0
	punpckhdq	64(%rsp), %xmm0
	movdqa	%xmm0, 48(%rsp)
	movdqa	80(%rsp), %xmm13
	punpckhdq	96(%rsp), %xmm13
	movdqa	%xmm13, %xmm2
	punpcklqdq	%xmm0, %xmm2
	paddd	%xmm7, %xmm2
	paddd	%xmm9, %xmm2
	movdqa	336(%rsp), %xmm7
	punpckhdq	512(%rsp), %xmm7
	punpckhdq	480(%rsp), %xmm8
	movdqa	%xmm8, %xmm4
	punpcklqdq	%xmm7, %xmm4
	paddd	%xmm3, %xmm4
	paddd	%xmm15, %xmm4
	movdqa	496(%rsp), %xmm1
	punpckhdq	464(%rsp), %xmm1
	movdqa	448(%rsp), %xmm3
	punpckhdq	416(%rsp), %xmm3
	movdqa	%xmm3, %xmm0
	punpcklqdq	%xmm1, %xmm0
	movdqa	%xmm1, %xmm9
	paddd	%xmm6, %xmm0
	paddd	%xmm14, %xmm0
	movdqa	432(%rsp), %xmm6
	punpckhdq	%xmm10, %xmm6
	punpckhdq	400(%rsp), %xmm5
	movdqa	%xmm5, %xmm1
	punpcklqdq	%xmm6, %xmm1
	paddd	%xmm11, %xmm1
	paddd	%xmm12, %xmm1
	movaps	2992(%rsp), %xmm12
	punpckhqdq	%xmm6, %xmm5
	paddd	%xmm1, %xmm5
	punpckhqdq	%xmm9, %xmm3
	movdqa	%xmm3, %xmm6
	paddd	%xmm0, %xmm6
	punpckhqdq	%xmm7, %xmm8
	movdqa	%xmm8, %xmm7
	paddd	%xmm4, %xmm7
	pxor	%xmm4, %xmm4
	punpckhqdq	48(%rsp), %xmm13
	movdqa	%xmm13, %xmm0
	paddd	%xmm2, %xmm0
	addq	$1, %r8
	subq	$-128, %r11
	cmpq	$16, %r8
	jne	.LBB0_9
	movaps	2640(%rsp), %xmm1
	movaps	2672(%rsp), %xmm3
	movaps	1200(%rsp), %xmm10
	movaps	2656(%rsp), %xmm11
	movq	1672(%rsp), %rcx
	cmpq	%rcx, 392(%rsp)
	movaps	2976(%rsp), %xmm9
	movaps	2960(%rsp), %xmm14
	movaps	2944(%rsp), %xmm13
	movaps	2928(%rsp), %xmm8
	movaps	2912(%rsp), %xmm15
	movq	%r9, %r12
	movdqa	%xmm0, 224(%rsp)
	jge	.LBB0_12
	cvtdq2ps	%xmm12, %xmm0
	cvtdq2ps	%xmm1, %xmm1
	cvtdq2ps	2080(%rsp), %xmm2
	cvtdq2ps	%xmm3, %xmm3
	mulps	%xmm9, %xmm3
	mulps	%xmm14, %xmm2
	mulps	%xmm13, %xmm1
	mulps	%xmm8, %xmm0
	addps	2016(%rsp), %xmm0
	addps	2032(%rsp), %xmm1
	addps	2048(%rsp), %xmm2
	addps	%xmm15, %xmm3
	movq	%r12, %rax
	shlq	$9, %rax
	orq	%r13, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
.LBB0_12:
	movdqa	%xmm7, 2592(%rsp)
	movdqa	%xmm6, 2608(%rsp)
	movdqa	%xmm5, 2624(%rsp)
	movq	312(%rsp), %rax
	cmpq	%rcx, %rax
	movq	2808(%rsp), %r8
	movq	2800(%rsp), %r10
	movq	2792(%rsp), %r14
	movq	2848(%rsp), %r9
	movq	2840(%rsp), %r11
	movq	2824(%rsp), %rdx
	movq	2816(%rsp), %rsi
	jge	.LBB0_14
	cvtdq2ps	880(%rsp), %xmm0
	cvtdq2ps	896(%rsp), %xmm1
	cvtdq2ps	%xmm10, %xmm2
	cvtdq2ps	%xmm11, %xmm3
	mulps	%xmm9, %xmm3
	mulps	%xmm14, %xmm2
	mulps	%xmm13, %xmm1
	mulps	%xmm8, %xmm0
	addps	2016(%rsp), %xmm0
	addps	2032(%rsp), %xmm1
	addps	2048(%rsp), %xmm2
	addps	%xmm15, %xmm3
	shlq	$7, %rax
	orq	%r13, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
.LBB0_14:
	cmpq	%rcx, %rsi
	movaps	2896(%rsp), %xmm7
	movaps	2880(%rsp), %xmm5
	movaps	2864(%rsp), %xmm6
	jl	.LBB0_15
	cmpq	%rcx, %rdx
	movq	2856(%rsp), %rdi
	jl	.LBB0_17
.LBB0_18:
	cmpq	%rcx, 392(%rsp)
	jge	.LBB0_20
.LBB0_19:
	cvtdq2ps	2176(%rsp), %xmm0
	cvtdq2ps	2192(%rsp), %xmm1
	cvtdq2ps	2208(%rsp), %xmm2
	cvtdq2ps	2224(%rsp), %xmm3
	mulps	%xmm7, %xmm3
	mulps	%xmm5, %xmm2
	mulps	%xmm6, %xmm1
	mulps	2000(%rsp), %xmm0
	addps	1936(%rsp), %xmm0
	addps	1952(%rsp), %xmm1
	addps	1968(%rsp), %xmm2
	addps	1984(%rsp), %xmm3
	movq	%r12, %rax
	shlq	$9, %rax
	orq	%r8, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
.LBB0_20:
	cmpq	%rcx, 312(%rsp)
	movaps	1232(%rsp), %xmm10
	movaps	1216(%rsp), %xmm11
	movaps	1248(%rsp), %xmm12
	jl	.LBB0_21
	cmpq	%rcx, %rsi
	jl	.LBB0_23
.LBB0_24:
	cmpq	%rcx, %rdx
	jl	.LBB0_25
.LBB0_26:
	cmpq	%rcx, 392(%rsp)
	jl	.LBB0_27
.LBB0_28:
	cmpq	%rcx, 312(%rsp)
	jl	.LBB0_29
.LBB0_30:
	cmpq	%rcx, %rsi
	jl	.LBB0_31
.LBB0_32:
	cmpq	%rcx, %rdx
	jl	.LBB0_33
.LBB0_34:
	cmpq	%rcx, 392(%rsp)
	jl	.LBB0_35
.LBB0_36:
	movq	312(%rsp), %rax
	cmpq	%rcx, %rax
	jl	.LBB0_37
.LBB0_38:
	cmpq	%rcx, %rsi
	jl	.LBB0_39
.LBB0_40:
	cmpq	%rcx, %rdx
	movq	2832(%rsp), %rcx
	jge	.LBB0_42
	jmp	.LBB0_41
	.p2align	4, 0x90
.LBB0_15:
	cvtdq2ps	944(%rsp), %xmm0
	cvtdq2ps	912(%rsp), %xmm1
	cvtdq2ps	928(%rsp), %xmm2
	cvtdq2ps	2096(%rsp), %xmm3
	mulps	%xmm9, %xmm3
	mulps	%xmm14, %xmm2
	mulps	%xmm13, %xmm1
	mulps	%xmm8, %xmm0
	addps	2016(%rsp), %xmm0
	addps	2032(%rsp), %xmm1
	addps	2048(%rsp), %xmm2
	addps	%xmm15, %xmm3
	movq	%rsi, %rax
	shlq	$7, %rax
	orq	%r13, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, %rdx
	movq	2856(%rsp), %rdi
	jge	.LBB0_18
.LBB0_17:
	cvtdq2ps	2112(%rsp), %xmm0
	cvtdq2ps	2128(%rsp), %xmm1
	cvtdq2ps	2144(%rsp), %xmm2
	cvtdq2ps	2160(%rsp), %xmm3
	mulps	%xmm9, %xmm3
	mulps	%xmm14, %xmm2
	mulps	%xmm13, %xmm1
	mulps	%xmm8, %xmm0
	addps	2016(%rsp), %xmm0
	addps	2032(%rsp), %xmm1
	addps	2048(%rsp), %xmm2
	addps	%xmm15, %xmm3
	movq	%rdx, %rax
	shlq	$7, %rax
	orq	%r13, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, 392(%rsp)
	jl	.LBB0_19
	jmp	.LBB0_20
	.p2align	4, 0x90
.LBB0_21:
	cvtdq2ps	%xmm12, %xmm0
	cvtdq2ps	%xmm11, %xmm1
	cvtdq2ps	%xmm10, %xmm2
	cvtdq2ps	2240(%rsp), %xmm3
	mulps	%xmm7, %xmm3
	mulps	%xmm5, %xmm2
	mulps	%xmm6, %xmm1
	mulps	2000(%rsp), %xmm0
	addps	1936(%rsp), %xmm0
	addps	1952(%rsp), %xmm1
	addps	1968(%rsp), %xmm2
	addps	1984(%rsp), %xmm3
	movq	312(%rsp), %rax
	shlq	$7, %rax
	orq	%r8, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, %rsi
	jge	.LBB0_24
.LBB0_23:
	cvtdq2ps	960(%rsp), %xmm0
	cvtdq2ps	976(%rsp), %xmm1
	cvtdq2ps	992(%rsp), %xmm2
	cvtdq2ps	2256(%rsp), %xmm3
	mulps	%xmm7, %xmm3
	mulps	%xmm5, %xmm2
	mulps	%xmm6, %xmm1
	mulps	2000(%rsp), %xmm0
	addps	1936(%rsp), %xmm0
	addps	1952(%rsp), %xmm1
	addps	1968(%rsp), %xmm2
	addps	1984(%rsp), %xmm3
	movq	%rsi, %rax
	shlq	$7, %rax
	orq	%r8, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, %rdx
	jge	.LBB0_26
.LBB0_25:
	cvtdq2ps	2320(%rsp), %xmm0
	cvtdq2ps	2336(%rsp), %xmm1
	cvtdq2ps	2368(%rsp), %xmm2
	cvtdq2ps	2400(%rsp), %xmm3
	mulps	%xmm7, %xmm3
	mulps	%xmm5, %xmm2
	mulps	%xmm6, %xmm1
	mulps	2000(%rsp), %xmm0
	addps	1936(%rsp), %xmm0
	addps	1952(%rsp), %xmm1
	addps	1968(%rsp), %xmm2
	addps	1984(%rsp), %xmm3
	movq	%rdx, %rax
	shlq	$7, %rax
	orq	%r8, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, 392(%rsp)
	jge	.LBB0_28
.LBB0_27:
	cvtdq2ps	2272(%rsp), %xmm0
	cvtdq2ps	2288(%rsp), %xmm1
	cvtdq2ps	2304(%rsp), %xmm2
	cvtdq2ps	2352(%rsp), %xmm3
	mulps	1920(%rsp), %xmm3
	mulps	1904(%rsp), %xmm2
	mulps	1888(%rsp), %xmm1
	mulps	1872(%rsp), %xmm0
	addps	1808(%rsp), %xmm0
	addps	1824(%rsp), %xmm1
	addps	1840(%rsp), %xmm2
	addps	1856(%rsp), %xmm3
	movq	%r12, %rax
	shlq	$9, %rax
	orq	%r10, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, 312(%rsp)
	jge	.LBB0_30
.LBB0_29:
	cvtdq2ps	1008(%rsp), %xmm0
	cvtdq2ps	1024(%rsp), %xmm1
	cvtdq2ps	1040(%rsp), %xmm2
	cvtdq2ps	2384(%rsp), %xmm3
	mulps	1920(%rsp), %xmm3
	mulps	1904(%rsp), %xmm2
	mulps	1888(%rsp), %xmm1
	mulps	1872(%rsp), %xmm0
	addps	1808(%rsp), %xmm0
	addps	1824(%rsp), %xmm1
	addps	1840(%rsp), %xmm2
	addps	1856(%rsp), %xmm3
	movq	312(%rsp), %rax
	shlq	$7, %rax
	orq	%r10, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, %rsi
	jge	.LBB0_32
.LBB0_31:
	cvtdq2ps	1056(%rsp), %xmm0
	cvtdq2ps	1072(%rsp), %xmm1
	cvtdq2ps	1088(%rsp), %xmm2
	cvtdq2ps	2416(%rsp), %xmm3
	mulps	1920(%rsp), %xmm3
	mulps	1904(%rsp), %xmm2
	mulps	1888(%rsp), %xmm1
	mulps	1872(%rsp), %xmm0
	addps	1808(%rsp), %xmm0
	addps	1824(%rsp), %xmm1
	addps	1840(%rsp), %xmm2
	addps	1856(%rsp), %xmm3
	movq	%rsi, %rax
	shlq	$7, %rax
	orq	%r10, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, %rdx
	jge	.LBB0_34
.LBB0_33:
	cvtdq2ps	2448(%rsp), %xmm0
	cvtdq2ps	2480(%rsp), %xmm1
	cvtdq2ps	2512(%rsp), %xmm2
	cvtdq2ps	2544(%rsp), %xmm3
	mulps	1920(%rsp), %xmm3
	mulps	1904(%rsp), %xmm2
	mulps	1888(%rsp), %xmm1
	mulps	1872(%rsp), %xmm0
	addps	1808(%rsp), %xmm0
	addps	1824(%rsp), %xmm1
	addps	1840(%rsp), %xmm2
	addps	1856(%rsp), %xmm3
	movq	%rdx, %rax
	shlq	$7, %rax
	orq	%r10, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, 392(%rsp)
	jge	.LBB0_36
.LBB0_35:
	cvtdq2ps	1104(%rsp), %xmm0
	cvtdq2ps	1120(%rsp), %xmm1
	cvtdq2ps	2432(%rsp), %xmm2
	cvtdq2ps	2464(%rsp), %xmm3
	mulps	1792(%rsp), %xmm3
	mulps	1776(%rsp), %xmm2
	mulps	1760(%rsp), %xmm1
	mulps	1744(%rsp), %xmm0
	addps	1680(%rsp), %xmm0
	addps	1696(%rsp), %xmm1
	addps	1712(%rsp), %xmm2
	addps	1728(%rsp), %xmm3
	movq	%r12, %rax
	shlq	$9, %rax
	orq	%r14, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	movq	312(%rsp), %rax
	cmpq	%rcx, %rax
	jge	.LBB0_38
.LBB0_37:
	cvtdq2ps	1136(%rsp), %xmm0
	cvtdq2ps	1152(%rsp), %xmm1
	cvtdq2ps	2496(%rsp), %xmm2
	cvtdq2ps	2528(%rsp), %xmm3
	mulps	1792(%rsp), %xmm3
	mulps	1776(%rsp), %xmm2
	mulps	1760(%rsp), %xmm1
	mulps	1744(%rsp), %xmm0
	addps	1680(%rsp), %xmm0
	addps	1696(%rsp), %xmm1
	addps	1712(%rsp), %xmm2
	addps	1728(%rsp), %xmm3
	shlq	$7, %rax
	orq	%r14, %rax
	movups	%xmm3, (%r15,%rax,4)
	movups	%xmm2, 16(%r15,%rax,4)
	movups	%xmm1, 32(%r15,%rax,4)
	movups	%xmm0, 48(%r15,%rax,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, %rsi
	jge	.LBB0_40
.LBB0_39:
	cvtdq2ps	1168(%rsp), %xmm0
	cvtdq2ps	1184(%rsp), %xmm1
	cvtdq2ps	2560(%rsp), %xmm2
	cvtdq2ps	2576(%rsp), %xmm3
	mulps	1792(%rsp), %xmm3
	mulps	1776(%rsp), %xmm2
	mulps	1760(%rsp), %xmm1
	mulps	1744(%rsp), %xmm0
	addps	1680(%rsp), %xmm0
	addps	1696(%rsp), %xmm1
	addps	1712(%rsp), %xmm2
	addps	1728(%rsp), %xmm3
	shlq	$7, %rsi
	orq	%r14, %rsi
	movups	%xmm3, (%r15,%rsi,4)
	movups	%xmm2, 16(%r15,%rsi,4)
	movups	%xmm1, 32(%r15,%rsi,4)
	movups	%xmm0, 48(%r15,%rsi,4)
	movdqa	224(%rsp), %xmm0
	cmpq	%rcx, %rdx
	movq	2832(%rsp), %rcx
	jge	.LBB0_42
.LBB0_41:
	cvtdq2ps	%xmm0, %xmm0
	cvtdq2ps	2592(%rsp), %xmm1
	cvtdq2ps	2608(%rsp), %xmm2
	cvtdq2ps	2624(%rsp), %xmm3
	mulps	1792(%rsp), %xmm3
	mulps	1776(%rsp), %xmm2
	mulps	1760(%rsp), %xmm1
	mulps	1744(%rsp), %xmm0
	addps	1680(%rsp), %xmm0
	addps	1696(%rsp), %xmm1
	addps	1712(%rsp), %xmm2
	addps	1728(%rsp), %xmm3
	shlq	$7, %rdx
	orq	%r14, %rdx
	movups	%xmm3, (%r15,%rdx,4)
	movups	%xmm2, 16(%r15,%rdx,4)
	movups	%xmm1, 32(%r15,%rdx,4)
	movups	%xmm0, 48(%r15,%rdx,4)
	jmp	.LBB0_42
.LBB0_44:
	leaq	-40(%rbp), %rsp
	popq	%rbx
	popq	%r12
	popq	%r13
	popq	%r14
	popq	%r15
	popq	%rbp
	retq
.Lfunc_end0:
	.size	mcc_kernel_f_3_qmatmul, .Lfunc_end0-mcc_kernel_f_3_qmatmul

	.p2align	4, 0x90
	.type	mcc_model_f_workspace_size,@function
mcc_model_f_workspace_size:
	movq	(%rdi), %rax
	shlq	$6, %rax
	retq
.Lfunc_end1:
	.size	mcc_model_f_workspace_size, .Lfunc_end1-mcc_model_f_workspace_size

	.p2align	4, 0x90
	.type	mcc_model_f_dims,@function
mcc_model_f_dims:
	movq	(%rdi), %rax
	movq	%rax, (%rsi)
	movq	$64, 8(%rsi)
	movq	(%rdi), %rax
	movq	%rax, 16(%rsi)
	movq	$128, 24(%rsi)
	movq	(%rdi), %rax
	shrq	$61, %rax
	andl	$-4, %eax
	retq
.Lfunc_end2:
	.size	mcc_model_f_dims, .Lfunc_end2-mcc_model_f_dims

	.p2align	4, 0x90
	.type	mcc_model_f_flops,@function
mcc_model_f_flops:
	movq	(%rdi), %rax
	shlq	$7, %rax
	movq	%rax, (%rsi)
	retq
.Lfunc_end3:
	.size	mcc_model_f_flops, .Lfunc_end3-mcc_model_f_flops

	.p2align	4, 0x90
	.type	mcc_model_f_forward,@function
mcc_model_f_forward:
	pushq	%rbp
	pushq	%r15
	pushq	%r14
	pushq	%r13
	pushq	%r12
	pushq	%rbx
	subq	$24, %rsp
	movq	%r8, 16(%rsp)
	movq	%rcx, %rbx
	movq	%rdx, %r15
	movq	%rsi, %r12
	movq	%rdi, %r13
	movq	80(%rsp), %rbp
	movq	%rbp, %rdi
	callq	mcc_rt_profile_begin@PLT
	movq	%rax, %r14
	movq	(%r15), %rdi
	movq	(%r12), %rsi
	leaq	8192(%rbx), %rcx
	leaq	8704(%rbx), %r8
	movq	%r13, (%rsp)
	movq	%rbx, %rdx
	movq	16(%rsp), %r9
	callq	mcc_kernel_f_3_qmatmul
	movq	%rbp, %rdi
	xorl	%esi, %esi
	movq	%r14, %rdx
	movq	%r13, %rcx
	addq	$24, %rsp
	popq	%rbx
	popq	%r12
	popq	%r13
	popq	%r14
	popq	%r15
	popq	%rbp
	jmp	mcc_rt_profile_end@PLT
.Lfunc_end4:
	.size	mcc_model_f_forward, .Lfunc_end4-mcc_model_f_forward

	.type	.Lmcc_param_data,@object
	.section	.rodata,"a",@progbits
	.p2align	6
.Lmcc_param_data:
	.ascii	"\230E\316\225\rM2,\333Y\221\022\257\033\207h\312n\362\376\207'\3005\244@a\323\273\332\000\216\3735\310OI(\236\265\241\260Dw\321\341\352\373\347\330\235H\231\355\356^\203E\276\t?\233\020\223E\3361`\272\305}\321C\270\313\020\002\342r\311\273S\004\335!\234$\307\231\2045\342\237I\016o\203\233I`\271wik\342/Gl83\364\305\342\336\177\377\345\227ok\034,\027\343xF&\204D\333B[\316zpc\004\350\016\2020nd\fY\271\251\267&\214g\txP\277\357\234\264\251\371\327\317\314l\244\255\022\004\020\304!{)\027\032-\204\221\352\273sGAQ]3\341\177\346\201\345\024\\\247%\340\222ebQ=\327+3P/\335\351\324\\K\3428\321\337\204/\303e4\377\247\032B\027\233\303\377\330\245\002\337\237\205\251h>A\374Z\274\r\222\272\262\220\004\241\256\367L1\026\200\000]y\250\325\215SH\311\226B\374\211\004\3069&\374\022\315\331\335k\362\330\215\315F\373\252\036/\177_\206\023\274\002\276\005\257\232\367\300\344v\202\006D\235/\211\314\3734\261\277\250G\241^\3472\306\353U\250\333b\fT\032SQ\254-\250\217,V\263T3\312{\230\320N\24408\302\232\251\343^\232i\177;\312\363\312\343\ni\260\fO4\357\016\334\033\364\364.\305\223\271\372\"\360\036\315-o\220\356\200\232\364d\271\235\311j\360\356\001\\eK\366\347\210p\035\370\352\251\267\367\005\224\024\r!.\3720\354)\367\277r\344\022-\307\315\223\035\267\376c\376\3440\307\377\227q\022KE\223@'>h \017Uu\304\276\0301\252\244GA]H\026\221\330N|\346\347C\334\r\342\035\227}\240cirZ\300\222Z8s\360\034\217\217\224\214Z\002\231\"S\331\374L\342i\372r\371C\355\037:\272k#7\252\215}L\316`j_\300\240\rU\n\273A\241c\000\223 \350W\006\022\231\222\f\304\202\034\265K$xV\264\360 p\377~\213\215\250{\017\362ej\374\261J\345\230`\215\007\254\366\304=!Fv\2358\340\021(\242\325s)\205\331\t\372jnE-\267\225\330\"\370\034\205l\366\347\232\231 \206\315[\361L\254\357Q/\364\261\374.\0257\252\272E\207\227\2366\243\347\022\311g\025\263lj\354\262\037\021\310#K\341\234x\361\310\255\313\355\352ld\277\261\236WhG\364\205\035\221a\377I\024dVD\016\301=\351\034\031\245\374\"G\265S\327c\202\240\241+\235*\353\303\275\306\0324=E\253\3335\277\224\327V.\016b\244N\035b\026\276.\3041\021\307\344\332#O\307\365A\316\375\0233\3661\251y\207\247\260 \245\253\230-\206\215\311\321\336\260u\300\273m\212~\361P-\353|I\\\307\350\007\305\353\336ek\364\333s\317}\036\005\350\302\\Ro\267\330]e\370u\334{E\332\235&r7\314\255+\276\257%\303\322a\217\026,\027\312\020\214S\355{\371\367h\221l\277\365\013ie{5\273\024[\261Ot\253\304\344\004w)\261J\023YP\317[\226\233\336\003\r\353\256(\341\356q\312\273\203\022\\B\302_\005\202\221xMC\341\264\001\020\271@\177\021\177~\333\300YD\006E\302\032\352\314\214&q\253\256p\321l\265\344\373\022\364\271\335\276\036\\\260\334j\341\243\307\373\002$Z\313\016\204HbH\372\261\305J\217\177\346\353r\200\206Y\027\016\246\027:d\301p\312\267\2779dy\215\252\262\354\234\226\177\035\030 \372\270'\213G\312\204\341\374b4\2532K\004\247\354^\035L.\253l\350l\223\273\316\306M\336<\334\324\376T\tl[\004F\"\252\335\3450\2616\373\035\343E7\363A5W\367\340Z\216o8\020-\350}\024r}\246\254\254\236\354\007\223M\307\211& \030\211)\220\202K\311\006Z\245\332\217u\261\004\371^D\027\\V\310\245\211V\275\303\027\327\005#Q\342K\026\3273\255X\216\366\323\252\347\222\220\224\037\230\204[\337\016+u0\223\264\264d\r\376\322\201yQV\323\333`\244s\222\231\350\330\315}d\201=>l\f\376\366\2278*h\025\033Ul\215\324\306\270\203hw\272&\322w\204\234\351X\016\265;\346\356\277\336!\321;\370\240v\250}Gp\330\020\007\022l{\264$\217Q\214\374~\037\367\024\017KR\250\201\252\335\366\370\304Vf\304\334\000U\275\307\255R\377BqXS\355\021\030G\214a5-{\233\236\256\342\334(\320\221H\236])\006h\f\223\304\363G\303\260\323\020\310\216\262\016\267\374)\205h\212\375\214\257\325\354\242\365\344B\256\036\270\362=?\3121c.;z\211\224\n\372\276\266c\273\254\013\016\005\220\306\272=[\327#\270\363\301\217f_{\226\007\202):\256\251\343xu\274\276l\355\326\013I\237\211\357\253{\004\351>\372\366\217\335\351\r92\353\036\0221!\257\303Y^\n^\302\225\312\003RKG\3143}\232\345\204]^:\355\2678\316\343\321r\357c\237\316X\f\326\273S\362bJ\202G\276\314d\251msT\311D\222\006\204\264:\211R\231\307\314\305\352M{\362\013K%N\t\177\266LW\007\022\217\321\354uz4(\362\003\200h\241\360\366)M=\213\034\0269\316\322\256@\230\260\t\262\004NKfj\224 R\\\f\3546t\325v\333J\252\300\031\004\347\345)\342\331\022Z\217[\0028\203XV\272\2540\034\025\231p\200\324\037\360\363\202\374m\201\033^\373x\307\376\234\\\022\001\036x\341\214\267\\\241\255\376\\\366vR\215\r8\f\033\017\201\024\241\302/]\225\364i:\363\250&!-\224\374\356\265X\316\001\004\022\330qv9\2206a\355\376\031D\362\221\207J\346L\365f\375cP\020\376_\352\247 \233i\311\344\315\252\t\255'8K\332{\275\314\257\313\034\005\310\007\216\265\033\f\366\2373\335i4\377\266BaOz\023\f>c\023\233\344\027\336\233\330}\320]*\360\\N!h\276(KL\240.\357I\370YKG\345\202.0\221\274\240\325\257\020r}\275\241\341\033=\350a\361\364,\236m\342\357%\266m\230\226f\234\333\265\325\037y_V\326\001&d\000-\334]\217QG\201\354\306\311f\314\020Dc\032,\276\f4\255\310\274\277\\\177de\267\"M\244wN3\037\242\331~;a\021\273Z\354\240D\252\312\224y#\341{\262Q^\024L\326\021\311\333\230\240\350v\275\315&9\337\301\226\373\223C\\\203\030{\\\257\242\243\321k\355\215{\260\340O\177\270\270\272F\\-\271|T4\013\346\243\306\304\032\234\313\264\372\317\307B\001\000sy3\276ID\033f\212\306> \243g\207t b_\236m\200#S\364LR&e3\343\264\210\033\206+\300\376\267l>:\332\017\265\217\374\021\257?\233\344@\361\322g\214Jb\026\3528\377M+\265\230\273\304\322G\364\025s\027\035Jh\306]\316-\310\205M\217\244<\372E\353\325S\220\311B\025\375\355\361\367\3159\003dJ\277\260\213\257\007>\021\304\025d\212\301\361 \300\001\026\037\324\312\006\315qI#>\370\230\266\350E\247\217V\000E\022\241c\302n\322H\366\370\314\346 \256/\023\320r\232\212\357\370\320\007\006c\216\201\273w\037\326\235\254\353X\032=\300\313a\341\317\021ZW\032\203\220NK\264*\004\005\227\020\213\221L\032^\331@\230\331\264\214\310\220w\366\317\022r\221|\325-\324`$\312\203\314\020\210;\033\325Q\f\374\035pj4Uu\210\215\246 3\233zk\370:\003\304\226'\334\363:0\373\n\270\301\232n\367u\177\005\032\326I\033\3757fS\361X\220\337\357\351\027\373w&\304\243#\204\017\037\025\363\n\230\214o\020^\226c\005<Eq\373\022@@\255\245v\2654P\336f-&W\345`(2\273\tW\3003\005d2p\231{M\243\317V\232\273kS\210\203\231*\257\377\346\0062\256&\257\302m\023\255L\037\215r\326LX\263\236F\310\307\211'\231=\267u\3057yN\231\0322\364D\215\350\351\347\016\337\367\220\304\013\203\345\216\201\263\327\335\235\3235\305\001\241\376nR\243dj\246\245-\241H\324\007\025\205 7\321\r\245\034%\244Ws[\233\t\341\200\367\177\227C\337Q\226w?\245I\331\237E\372\341U\247\336=\314~\237\347\314}x\035\225\t\255\243#g\365\262\313\335W\371\007\243\261\344YAl\211e,\225\225B8L\277D\260\210h\221\256\f;\354\375\300n\r\306_qg.\337\250\026\327\366\353E\033\327\261<\375\374\372\361\304\300\240\215H\300\005\357l\325\240\307m\035[\2608\022\304;\317\324P',\020\230\363\257\2510 l\336\331#\n\265\201\204\316\324\032\002\004nat\313\357a\307\302bF`y\3510\237L7\f\243\017\243[D\245\320\201\234R\300bv\016\350\003b0B\256e\227\200\231\3732\361\356\334\000\352\352\246\005|\273\225\234-\240\217\217\023\364)\312\313pC?\354\356\333\347\240\022\036z\274S\b\304GM\"\230\307Y\206\214\353s0\360\tZ\2608\314\022\373\007\250\030\371\247G\226L\235\350F\030\336\352{\267\245\024\3527Z$\243)2\214\344\211;\207\b\347\003M\336\372\337\241\027\317\260\264H=\211\347\r\233\016x\024w\360\375M+zy=\235Phw\0321\246i])\r$9\355A\316b\366\024fN\321\234\311\303\243\204\241\360L\024\3769cjG\202E\371A}\255\231\261\001l\322\236.\335[+\240Zq\315\303\306\347$\030\336\026\230ye\352Q\237)\250\303\f\342\263[\271\003\020\357\307\232\216\337\352T\026\372\352\267&\231\254\003X\240\244B\026\317\275\201}\027\022\265y\341\241-a\216[R\\\323\357\253\367/h\217\214Z\265F\346S-\264\270\023\017&\347\002\347\267B$\262\266\206\313\324(\274\367\344\\j\262\224\212r\315\277\242\326\307\330\007\017\223NtD\035\336!4\247|\305\335@(Dy;9\035V\007pQj\352\372\021\317\b1\2315\376T\024cJ\266\377\314t\007\246\324?/\203\273\373\253\016\243\311\036J\353\364\231\234\365E\217\211\357`I\346\347\273\033\255)\341\351J*j\240w\327\276\315\004T\3558\201=\221\r\245\201/\0025\317\033/5\373\033\303\362\211\327x\351\373\374s\2355\320\300\257\032\037\244\353\366R\362\305\361eoE\346\340\203v'\366\001\006;\220\361h\332\377\234Y\243\307N\375ZR4\363V\2457\374C\003$\353s\217\213\267\211\244\317E\200\244\332\314Cf\000W\360~\224\034\335\374\237 [\375\366\333-\003\370\230L\266\026\026J\367\315\310\362\355\255\020Z\234\200\343z\"\340\335\017\207^c\342\314\336\356\306:\372fpi\fO\265\250\222\223\200\002|\223\020\377<\240\252\323\004\343N\330\356|\360{\355\2533\325`\361m\337ag+\232\225/i\232\357\230G[\313\376V\272\365Y4g\374\366\336\032\"\020\302\235\213:\000ZJ\025c\3039\350hMg:\255\b&\016%\336(\346\337\214\353#\207\345\341\b\201i\314\263KGD\3517\177kA\2525\363zw^\264\007Z\277\264\375P%}\204#\021\216b\220\250\303\327j\227\375\311\266\022\361\236's\260\2462\024\357\255\313\006\252+\355\013\270\275{\314\266\317l\236&:\325\254\243N\262v\006\246qp\255F\351\225\214\021\337\030\313\005mS~\260\004\377E#\031\210\333\314\333\004\211\350\217\254\210\004\036\340/\204\247\210\342]\003\024s,\320\252,S\253^\237\3471Qy\267\341;\345c\264v(\366Z\035\314f\260\332\235.\024\021\2652\306\001\243\"\\\336BX\321\r\300\000QH\371\273u\334E\227\211\256\"j#\026X\357\016|\275\032\261%\025Y\037\361\344\253\243\273\030\031\000\317u*u/O\002\034@\327\225\214[\371\371\313\032c\302\267\033{\035\r\223\313\350\003\332\006?\345\364+\233\252\377N\001\330\275\240\351w\245\303\353\2754\240\025\233\312\256\021S\264\r\212\253OE^?\251\366\255\025\231\300[\3624\251\272\276\3210\220W\372M\363u\260\272\211\032\206Xa{\205&$\272\354\314\213\277\nt\2537\234\265\016\322\021\t\250\322k\034\324K\225\000\220\034\364\22145\031\023\267\313\001\024+A\224\t\324C\325J\021\025\342\204(g\332\344\206\024a\377d\360\233\246\332}\352\263A>\312\345\206C\360c\336\375\223\336\024\2109\334\255\367'A\230\362T\223]~\205\f)6\226\241>f\2428\307\206\232Z\215y\204\034\263\022\230(/aV\f\220\363\364\345\217\336\002\003\032\252lw\302S&\240\211\006`\027\225\022\021\r\3718\230\271z\312\335\346{\363\272\320x\226@m\356Y\202\254\370\036\017L\023K\372V\006\217R\331aj\363Xn\204S\214'0\023n\003\224\257\235\234h*\255\371\007D\021\354\207\331\2258vP\276{\331\177^\312Y\376\305l.N\321\003\356\247\237\3609\237AQ\217Ft\000\r\325t$\350\271\332\375.N\teU\023SQYC\000|vT]\f\020^]\340{\334\203\223\332\330\026.\267\263qv\271\027n\217\241j\037\320e\2123\300^t\323J\372\264\276\"\026\007o\345\302B\207\331sIp\306y\374\371\265y\226T\322\320g\270\217\227\361\253\346\335}\"\034\210\343\0339\345\302\236rmI\261!L|C\236T\260\247e\355\032\367\003~\212\222\372\263\341 xr\372\210://\352\024\273\026\243\360\3551\0234*\377\213\310A\210Q\216\016\277\373f\322\254\206\255\336t&\312\374jD\323;}2\344\355\3160\344\236\237\250\376\0006\210\200\250\211\263\265\t\224-)\bM,\025s<\221+z\240\271\t%k\365V\352t;S\206$n\242R\033$\203\306,\263\034\320\313\352\025\272o\233\200\253\331\322\352\320\f1\371%W\313F\367h\250\242/Q\275\373y\247\357T\362\033\276\305-\344\026c\277-\247%+:\277\241-\304\2739\340\321\213U\335\300]l\306\37229\226\273\275R\344yl\017V\300Bt\271\205\324\251M\357\342\245\177\365U\354\355\005!\307\320}\2639\311!/c]h\f\363\022\257\234\362\020S\262\2745%lt\334\305\261\016\253\013P\223N`9(b]zg\\\371\340\225\022\330\315\366\033\026)O\213\265K\272bW\272\214\247ucDxI<0\244\036\301K\254e~\200\005S\365d\361\004m\273\334D\353)\347A\276k\216\r\311\322z\001\016W\267/\323\311\215\004s\021qD\203W\334\242\353\366DA7\002p^\177\022\001`\346\216\326Hj_\rw\022({\b\316#\260\000PM\373U\f.Lc\026\006`\256\331Ta\260o\031e\210Q\371}N\316\025\353j\3242\022\020\343\024\274\206\300v\025\353\234\033L\207\fn\374\313\372\274\202n'*\177Nd\266\202us\263c\373\237\210Yh\2671#\341j\004\001\234\021Q\326\035$n\271\237va\356\205\315;\256.\233\212\273O\211\372\255\366\333\020h\346+\351,\2763\21725d&\3236\363\231T\301\371\231\267=\356\270\320\034pJ\201m\026\\}%\036\310Pn\203\017\306\357\2015/l[\234\230\342\204\271\227\274\3201\327\370\022\342\256\310\345B\371\344\220\213\336\220\331\363Wr\213\202{/\265\306\256\020\325I\\\006\352\232ZJ6pGZ\036\255\313k#sC%J\203~\025,\224@E\322\b7\341\2079\277)\020\210]$;f\177\374\363\001\233\2319\022\223\321E4\253\013\034p\212\355`uBWf\367B\222\373r\345\256d M\272c\253\025\227z\367\302},3\205\242\\%e.\247\271c'\355o\266\246\217O\357\276A\306]%\246\357x\035\303A\213\013\337$\225\317T\035\307^\303\215m\342\306\035\277\251s`w\n\277\bj\3505\321tBM&\247\022\2645\236Z\201\035\303 \254\036\246\257u\260\322\374L\252\254\223\207\377\307\337\237YS\206\260\267\276\207@\342z\342t\244LG\351Zj[i\313\020\266\353\347\213!\245\177\332\252>\263\r\217\340\344\302x\3030\365\371\245z\243\273\332\352d\036yl\311\005\334\231\260\016X\025\316\353k5h\251\006\247\371K\324\342\350\004\360\227bJTDi\222\301\035\335\354o\341\035\320\243\325\362\016z\306\204\324\304\206\005\026\223&v\201\020\276\227\\\341vy\004\276R\274\321\302 \\\326Y\3441\272\211\200\316\2212\215#A\307i\203>\215\237\017\217\257;\357\202\366\276\032\006\002H|\314\237\214\031\021I\240\2727\242\253\032`\222\204\247\221Z\324\020\221\266 \033?*\206\037\375Q\373\311\350\022\361\243%\243_EM\303\203\277\026\027\231\263\364\310\220\023\350\017\023 \031\264\244\234\361\231H\245\n\325\313\022>1\363\206>\311\177\336\214\262*\027\304\224a\302\210\233&\367j\273P\202\033\000\354\351x\"\202\373I\3742\251\305\363\274\330\357\357\267\260\243m\330}\336\236\321\004\227\266\307\211\367_oc\300\210vp(n\201\261O+y\364j\351\265\351\343-\342\311\262>\344T'\207\272>\276\025e\034z\231S&\350\245^\275,\372}<\270\241*\321\302\f\035\025D;\211\033\362\0356\214\202x\272\220\"\007\027\214w\302\200l\372MV\276\373\325C \332\372\3518\224\365\251\302\005\354T\211\013\352p\375S\0305\307\334\353\251\206\036\265p\351\226\315\372\b\037\236\f\354\226\262\372\253\336\356\326\275@\256P\264g<\232\004\253\nL\210~\344\201\364\276\361\tN\206\375\306\327Z\024%\271\200\251\177\330b\034\243\323\252m\251>\251g m\345\030eFJ\372\277\3564\367a\r\3506U\177\223z\315\251\253\t\313\004\356\303r\017\3146$N\320\377f~\234\214\243\026\224N\203n\314\326\272Hrb#\213\260=X\252\224\2579\352K<jz\274K\034\351\017J\000\336\321\303\020:~\330\212\250{\006\b\252:\377\005\245\313\017\2401-\022\334\023p\255\364\376*\243 1\213\f\321\f\226\350\351\354\250\211\340z3\335\264\313\270\240V\265\265\344\030\263\250-:\205\243\352\217\320\302\325&bO\333\t\343\337\366\226D\244\335\374\303\f\321\201\373\001\277]\204P\262l\177\206\036\232*c\273H\026\222\253=tQ\273\224\n\237\307\313(\340\007\244\254.X\024\267\245\233\234S\377]\344\242\252\267\373\031\203\2279\321\373\335?\"1\226CI\353k\212|I\300_6t'\001\314\022\340\360\273\317\320\221\270\313\345\030@\022\347\023\304\033\027\373\n\201\331V\003\246\210\324|\306F`\272Baz\247O*\"\265\f\345\374\373\257\332D\317/\362\364(\317%\272Nc\357\260\206y7\021\f\026@O&\000\270Y:\213\n\230y\315:\220\363\364.\241WE\227\362\0365n\305\177\223\351[\372\371\250\367\007\331D\025\331\007\336p\321l\316w\262\276p72\2739c\252\030\341\226E\267\317\023\313o\320\311\1773v\344\003\"~y&\370\332|&4$\001\304>\236\237%\017\002iV:\n T\323\367\301\253\275\r\251\2207\262>\274.e\315\274\2545\\\362\t9\200\234\207$\t\332\037nz\312\274\026\017\256\002\216\202\244\006\305\231|\020\344r\023\255|\016\000b\262\216&3\223\353\342ga\364\330\304\267\214\017MS\214qK?C{b\rC\361!\202@d\023\021\024\b\253\252\246\230\364\033\344\036L\0028\311c\211\230\016$js\nO\263\033o\177E\344\344\227LF\243M\344N\216\213w\305T\242\n\200\231\036\036\253\021\264TF{6\250\301\303\033\215\305{jIU\232\200\201\226\362\352\245\250\242\206HO6_AW\206\326\211S\275v\030\340\356}\306\212u\224_Y\363*x}\367\365O\271\222\234EH\364C\325\250\3115>\tB\266\005b\207\270\fv\267j\376\300\375\003<\311jE\262\004z\004\254(\235\337\324F\262\201\2451\367\364H\265\025\035\310U\375\212\310@\304\nM\035\2361MK\353=\\:0\2142\264\362\327\316\355\351HT}_\205>\327\0218v\227l\034R\224\006\237L\023\341\326\004\r\276\324\353i\341{+\341'%`{W\233\344\215\326\352si\022yPE\261*\312\266\024\371gwhG\331X\303jE\025S\360\250\036\\y\t7\0245D\b$\355\351\264/*qU\021\267v\323\035\327\371?\246\221n\212\236\344i\357?G\301\371Z\322^\374\330\265\353\037H^D\247X!\330\371\314\345\377p\350Z<\372\313!\250\372\230\036\245o\274\240\347l\310`K\037\220C\\\236`\231\007\0036\037Ma\2256R\237\246\b\270\024\252ctg\300\364\313\204Y\255\321~\345\f%\035\027\327.\271d\323z\203#\330\347j\210\tHKjr\331h\3317\315\223\325D'M\315\366\275!\005\243\324r\203\261n(\377u\021qM\304J,L\327\234\255i\233\350\353\017\\\271\266\374Bb\305\245=^\226\005^e\222\007\216\303&\267>\335\021\367\347x&\240.\306E;73\307e\205\021[&EKdGB\266\331l\274z\200\356,P\234\r7'ap\3337\217\336\212]\263;\034z\033}J\322\272\340\363c\356Dji\256S\257fJE\215G\021\212\213%\357\204\345\304\325X\255\262\335\253H\256\240\333\356\2031\214\304\251\321\255S_\310v\033\220\217\205\202\245O7e;\352[.\013\210\365\000\343\247.\211wY\260\312=\007&\206\324\312\f\344\013j`Q\326=\250\233h\316r\016Q\243\312\0316o\304\364k\020\b\340g\371\205\035S\032\357@C\356[\005I\002)\rq\3567\247h]\004\251\213\257\2656c\230\203\214\004w<\250\216\270-\225\322\332\031\203c\252t\337\035i\362L\2360\253N\360\255)9\277]-\251\371{\270\\\353Z\273\214\236\007\177W\321\221+z\360\261\001\r\035\364\272\243\340\331\b\255\3723\215\246N ,\007\221\216M\355\204\000VQ_\201\362\331\354\031A'\353\317\215\034_Z\001V\3008|\b\t\270\033\204}\203\205\020\b\232\215@\332/\325\031^\037\220\203\275\314_V\350\274\310\334u\203\306u\345\357\212K\246$\335f\3614\370\036\020\276\243N\ty\304J\223'b2\327{\001\243\365\230N\275\214J\216\340\3076\003\313\342\233\032\036\031c\255\271\373\254\274m\361\341z\241\264ae\371\374\215H\273~\336\222\317\200\347\227\211\337\315\273q\314\203J\241K\233\202\001 \235\313\323,\026X\001\006\371\211\342}\346EG-{u\257\313\341\324#L\000\177\355\360\212\322\3168dL\"\025{\006\355\023Nqh\005\017\364)\363\007?@\0271\006\347k\272\276\304\261\343\264~\031.\023\017\007u=\223F\342\361\252\233T\005K$\207\270%\340\360\027:\254\032e\324\270|E\360\027P\361r\264O*f\0345\224E\240\350\350\\\242*\030\021[\371R\201\2212h\303}\327\267\2125\374\232\342\006\244nh\030\375\322\262\n\026F=x33\b>$7\303i!\254\313g\350\216\256,>\340my\363C\253\247/F8;\336d\024\202\344\254\t\313\024\253\333w\337\272\215\356\n\347?\025\266_eBx\252\250<\224X\177\210^@\352\342i\364\020\346\224d\t:\216\371\333\243\227\301j\004\377(@U\242g\3355U^\374\307\200Q\t\333_t=\\\223uit3(\t\235/A\313\236\025\353\256\301\312\240\252 \200ry~\230\270\225\235\273i\201RD\341\330\266\200\357\274\232lM'$\377\364\271\222\215\306\372\224\230Sz\351H=\3625/\f\334j\375\371\341\265?5\333\273\346\263\350\212\361,b\302Xhz\244\335\336S\350t\262b\214\032\023\350yULU'\316\fc\211I^CM\2730\342\366\2301\243\304`p|B\036\275E#\222.\000\335`\002\272E1\312\275\314C\372\021B\343\333:O|\021\345\213\241<\255\b\346\371\220\335\260oJ\314\337\357\335\262Q\025\036C\326N\027\344f\376\357\304\t\276;{st\341[\362\027\322\377\205\302l\361U\027'C\02303p\255\200\330\272\364{t\241\006\006r\024\364i\247\006g\205\224B\3479\302x\b<\357\356\260AT\021\275\373\326q\261_JH\241\004\361\200e\033\265T2\332\235\220\212\r^\3133L\330\322&Up\024\372|\177\026Y\201\302\266/\215g\254\353\361\326\3202\371\213|\225\365tw-G\r8U\377\231\300\355\264\020\212\025\326\253k\340-\330e\311g?o\020\325\363\356\241\372\002\037\310'\334\353\274\364\243Pet\327\201\r\350\270\272w@\030\316,T\016\263\211\016\311\261\n~\264\021\231 \026-\301F\317/\363\247\313\264\372\336\234e9,v\035\315\321t\336\265\020\231z\235\371\225\212;O0Y\334\277\000\302\375;\352\362\3653T\206\002\314=Y\241\b\372=\246\227+&\2326\333\250`\016\2463\336\221\363\232\335\\ y\2727\312\206\256\232AG\3754\343TE\330\335\273\236l~\300\254X\001\375\026\202\221\342\375\035YV\327#w<\\`\3148ja4\001\323\320\347\305\224\303\235w\250\273\240\214\bi\306\274\207\305\273\207\346W!\307\275\3540\025\214c\025o\205\201n\n\215\366I\035\224$:\332=\320\267\272\366\266\325\211\020T\327\246R\033\000\265\356C\333W\355y\020c9\324\016\373tf\313\255\267\025\270\032\\\331\340\242\373\033\002\317,:{(\376-\251\311\033c\325\311=_=\031\332\332K\224y\350\027b<\205h\016\336\026\252\360\362\221Z\026j1?1\230\207B\033#\002\231\":\241\301K\032\0222\247\005\255\2253F\370/\030\013\356\006\026\242\263\224|/:xl@\245\376*Y\006\250'/\306\023&7B\263\234u\334\254WA\r,,\204\246\357\372i\020\257\243\"XM\367\205\222\005\212)\025\277\375f\276\255\317\377\216\355T,d^\305\332\255\035ik\272G\244\352Yf\334\307\361,\352\024\360Gum \222^Z\023\215\222\264\260\337Z\361\242\325\363\300;\n#!Pe$\216\331\2445ua\330\007S\331\211\t\007\177\334\0055\353\300\252+\266\360V\335f\021[L\311\225m)>0\251u\354\272\307\017*\\\324%\340\275\204\301iG\306\207x\351\205-\267\335\t\002\215\277\b\003\271t\023*\204j{\301\247\370\f\255$x\372\224\206\321\341\3118\365tl\313\263\032\222\270\324\021a\324\n\242\273\205\243q\210\261}K\006\377\f\340\353\242O+\242\247d]\253x\332\363\361\363\343\\\\c\246y\033\006-}\354\333\023\350Yi\231\017L%[M\237\242\032\263\261\244q\362\177\006\316\310MM\323\323\246\255\265\033y\343\000G\214\313ac\375'\350\307\343\326\216q\324\b\371\253m\030\212'\256W\241WU_\225\035|%Fb\374\247&\261\253\274\002\246\005T\321\270\236\204\020\270\224\037\245E\035\006\201\017\005\016\357Q}o\341#\r\264\001d\366\213\323\325S\201!\265\320\007\031\275\236\235\223*\264^\225\321ye\364\347+\241\340\230\345\001Y\233l\344\324D&\373\257U\034\034No>\347\335\365\352\333\333\"\317\332\221\332Q\244\231\251\017\366'\216\266b\023.\022\307\243\036\333J[C\2448\260\312\035\315\346\351\374&\273\271<M\241IF\233<x\230i\207\317\226M\203\203g\314|\306\237\267\204*\370\312\360\335\320\301\240\301\212\237\330P\025\235V\323\rTS*\240v\243L\371\000\346)\"}\211]\300\302\225\261\362B\232\313x\352\374x\177F@\240\213\227q\341\r2[.\tK\372\017\354\026\232p\334\023\303<\200E1\220\002\261t\240\336g\343Q\240\2346\273\304&W\205\304^\272_JC}}\232<\364;:\211\3119\343\343\206Pn\001\305\017P!\220\337\301W\353_\205N\366\247\230\321*3\034\310\262\207y\000\336ht\"oxOBI\360\357M\225\375\016\303Z\260#.\t\271-is23Ou\025\332\354\365l)\032J\260\3528&\305\316B\347\323\tC\b\027\275\021eYG?B\035\013|1\327\364A\356\302\222\264\312a\242p\243\230\030D\372{>\023\2656>z\243Fo\223\335\322:\000\347_?\376\213\001\013\006\215\242X\314\341\363\311A\022Mb\365\211\215\372I4}\237E5\317f\326%\227\206\367\364s=kDzT\306\007A-\024'hZ\267l\024\331\2413\277\035\276\207\031\215he'X\016\372\237\264A\322\233t\017\375\370\374\311\023\340Eh\005+\n\244\212\231\376\277[\372d\036\005\323\305\202!jD\347\364t\274E]\350r\b#\374`\013\200\204\375KH\377\204\334D\346\f\312a\265Rbu \016\212\250\231#\244&\271\274\364\370x\300\016\322\025\300\213p1q\266\013\307y-F\037\231\313\335\274n\231J=\365{\027+\017\346Or\\\334\257% \210|cE\340\367\331\245y\006!\246\314Wr\251\254l\030\0305\260\332J\0003T\334\232\231\364Dg\t\200]\345\362\243\220QU\262\310\353k-\226\271\357\367gL~\303\353\327\0075'\360\305G\211R\216\227\034\265\027+{g\210\006U8\256\0168\273OGi\345\031\342\366V-\253\230+A(HC6\375\231\271\215F\344O$Q\276\300\372\241?\274\373Ol\362\3433+@\273Z1\317\262\247\201\273\350\333\311\355o\321Z|H\345\350\233\223#?\371\255\373/\315\373\024U~\0026\261\354)\332\256\322\023\311\200\216\262\304\227m\330k\230\350\265\304\271\364\271j\375\365 A\313\265\177-\231\000\002\005\317\002\034\302\2246%.zid\037jLG\212_2oc\362j\212\374\243\352\033K\274\346s\366\027\217\366\361\357A\215 '\375j\244\035\323J\273J\036U\312:\332,\242\3311\222Y\202\340^\215\320Y\223\260\276\376\3666\344\ru\335?F,W2P\221\3712\304\372\264t\017O\241\274\023\342\036&\223(\273\002\0070\255\324\212\"77\376\022\373\033\252m\002;-u\t\344J=c\355\221\237:jN\367\256\305\354\033\216\215g\205\375\342\363\203G\247\244\236\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\000\000\200?\306\376\377\3770\377\377\377A\002\000\000\207\000\000\000\335\000\000\000\361\377\377\377\307\375\377\3778\003\000\000\245\005\000\000\025\376\377\377\261\000\000\000\000\001\000\000\252\373\377\377\301\377\377\377I\377\377\377\300\375\377\377\276\377\377\377,\002\000\000\307\000\000\000\361\377\377\377;\377\377\377\324\002\000\0006\374\377\377_\003\000\000\006\003\000\000e\003\000\000t\376\377\377\022\377\377\377A\375\377\377\320\003\000\000\244\000\000\000\342\376\377\377*\001\000\000\315\372\377\377L\376\377\377\267\002\000\000\256\004\000\000~\000\000\000\312\375\377\377z\000\000\000\351\001\000\000\356\377\377\377\263\001\000\000\254\376\377\377\025\376\377\377\"\375\377\377+\002\000\000\312\375\377\377Z\001\000\000j\375\377\377W\377\377\377T\004\000\0002\376\377\377}\001\000\000\200\376\377\377\306\374\377\3777\375\377\377,\370\377\377w\377\377\377\346\377\377\377\177\376\377\377\247\001\000\000\316\375\377\377\026\003\000\000j\376\377\377p\376\377\377x\376\377\377z\003\000\0008\000\000\000\236\377\377\377\221\377\377\377!\377\377\377\205\000\000\000l\376\377\3774\000\000\000\000\000\000\000\252\376\377\377\t\377\377\377\021\000\000\0008\377\377\377\237\001\000\000\253\377\377\377g\000\000\000\207\003\000\000m\374\377\377\307\000\000\000\213\376\377\377\212\002\000\000\372\374\377\377E\001\000\000\367\377\377\377\t\003\000\000h\377\377\377)\374\377\377U\001\000\000\301\375\377\377o\001\000\000A\000\000\000\356\377\377\377\200\000\000\000\374\002\000\000V\000\000\000\177\003\000\000$\004\000\000\341\003\000\000@\374\377\377\204\375\377\377\234\000\000\000\"\000\000\000\216\002\000\000\310\377\377\377U\003\000\000)\000\000\000\312\376\377\377\000\377\377\377\210\001\000\000\305\376\377\377\260\377\377\377l\003\000\000\233\377\377\377\242\001\000\000c\003\000\000\216\377\377\377\257\002\000\000q\375\377\377.\002\000\0005\001\000\000\017\377\377\377"
	.size	.Lmcc_param_data, 9216

	.type	.L.str,@object
.L.str:
	.asciz	"b"
	.size	.L.str, 2

	.type	.L.str.1,@object
.L.str.1:
	.asciz	"x"
	.size	.L.str.1, 2

	.type	.L.mcc,@object
	.p2align	3
.L.mcc:
	.quad	-1
	.quad	64
	.size	.L.mcc, 16

	.type	.L.mcc.2,@object
	.section	.data.rel.ro,"aw",@progbits
	.p2align	3
.L.mcc.2:
	.quad	.L.str
	.quad	0
	.size	.L.mcc.2, 16

	.type	.L.mcc.3,@object
	.section	.rodata,"a",@progbits
	.p2align	3
.L.mcc.3:
	.long	0
	.long	4294967295
	.size	.L.mcc.3, 8

	.type	.L.str.4,@object
.L.str.4:
	.asciz	"b"
	.size	.L.str.4, 2

	.type	.L.str.5,@object
.L.str.5:
	.asciz	"y"
	.size	.L.str.5, 2

	.type	.L.mcc.6,@object
	.p2align	3
.L.mcc.6:
	.quad	-1
	.quad	128
	.size	.L.mcc.6, 16

	.type	.L.mcc.7,@object
	.section	.data.rel.ro,"aw",@progbits
	.p2align	3
.L.mcc.7:
	.quad	.L.str.4
	.quad	0
	.size	.L.mcc.7, 16

	.type	.L.mcc.8,@object
	.section	.rodata,"a",@progbits
	.p2align	3
.L.mcc.8:
	.long	0
	.long	4294967295
	.size	.L.mcc.8, 8

	.type	.L.str.9,@object
.L.str.9:
	.asciz	"w"
	.size	.L.str.9, 2

	.type	.L.mcc.10,@object
	.p2align	3
.L.mcc.10:
	.quad	16
	.quad	128
	.quad	4
	.size	.L.mcc.10, 24

	.type	.L.mcc.11,@object
	.p2align	3
.L.mcc.11:
	.zero	24
	.size	.L.mcc.11, 24

	.type	.L.mcc.12,@object
	.p2align	3
.L.mcc.12:
	.zero	12,255
	.size	.L.mcc.12, 12

	.type	.L.str.13,@object
.L.str.13:
	.asciz	"s"
	.size	.L.str.13, 2

	.type	.L.mcc.14,@object
	.p2align	3
.L.mcc.14:
	.quad	128
	.size	.L.mcc.14, 8

	.type	.L.mcc.15,@object
	.p2align	3
.L.mcc.15:
	.zero	8
	.size	.L.mcc.15, 8

	.type	.L.mcc.16,@object
	.p2align	3
.L.mcc.16:
	.zero	4,255
	.size	.L.mcc.16, 4

	.type	.L.str.17,@object
.L.str.17:
	.asciz	"z"
	.size	.L.str.17, 2

	.type	.L.mcc.18,@object
	.p2align	3
.L.mcc.18:
	.quad	128
	.size	.L.mcc.18, 8

	.type	.L.mcc.19,@object
	.p2align	3
.L.mcc.19:
	.zero	8
	.size	.L.mcc.19, 8

	.type	.L.mcc.20,@object
	.p2align	3
.L.mcc.20:
	.zero	4,255
	.size	.L.mcc.20, 4

	.type	.L.str.21,@object
.L.str.21:
	.asciz	"b"
	.size	.L.str.21, 2

	.type	.L.str.22,@object
.L.str.22:
	.asciz	"f"
	.size	.L.str.22, 2

	.type	.L.mcc.23,@object
	.section	.data.rel.ro,"aw",@progbits
	.p2align	3
.L.mcc.23:
	.quad	.L.str.1
	.quad	.L.mcc
	.quad	.L.mcc.2
	.quad	.L.mcc.3
	.long	2
	.long	32
	.long	2
	.long	0
	.size	.L.mcc.23, 48

	.type	.L.mcc.24,@object
	.p2align	3
.L.mcc.24:
	.quad	.L.str.5
	.quad	.L.mcc.6
	.quad	.L.mcc.7
	.quad	.L.mcc.8
	.long	2
	.long	32
	.long	2
	.long	0
	.size	.L.mcc.24, 48

	.type	.L.mcc.25,@object
	.p2align	3
.L.mcc.25:
	.quad	.L.str.9
	.quad	.L.mcc.10
	.quad	.L.mcc.11
	.quad	.L.mcc.12
	.long	0
	.long	8
	.long	3
	.long	0
	.quad	.L.str.13
	.quad	.L.mcc.14
	.quad	.L.mcc.15
	.quad	.L.mcc.16
	.long	2
	.long	32
	.long	1
	.long	0
	.quad	.L.str.17
	.quad	.L.mcc.18
	.quad	.L.mcc.19
	.quad	.L.mcc.20
	.long	0
	.long	32
	.long	1
	.long	0
	.size	.L.mcc.25, 144

	.type	.L.mcc.26,@object
	.p2align	3
.L.mcc.26:
	.quad	.L.str.21
	.size	.L.mcc.26, 8

	.type	.L.mcc.27,@object
	.section	.rodata,"a",@progbits
	.p2align	3
.L.mcc.27:
	.quad	0
	.quad	8192
	.quad	8704
	.size	.L.mcc.27, 24

	.type	.L.str.28,@object
.L.str.28:
	.asciz	"qmatmul #3 f32[b, 128]"
	.size	.L.str.28, 23

	.type	.L.mcc.29,@object
	.section	.data.rel.ro,"aw",@progbits
	.p2align	3
.L.mcc.29:
	.quad	.L.str.28
	.size	.L.mcc.29, 8

	.hidden	mcc_desc_models
	.type	mcc_desc_models,@object
	.globl	mcc_desc_models
	.p2align	4
mcc_desc_models:
	.quad	.L.str.22
	.quad	.L.mcc.23
	.quad	.L.mcc.24
	.quad	.L.mcc.25
	.quad	.L.mcc.26
	.quad	.L.mcc.27
	.quad	.Lmcc_param_data
	.quad	mcc_model_f_workspace_size
	.quad	mcc_model_f_dims
	.quad	mcc_model_f_forward
	.long	1
	.long	1
	.long	3
	.long	1
	.quad	.L.mcc.29
	.quad	mcc_model_f_flops
	.quad	1
	.size	mcc_desc_models, 120

	.hidden	mcc_desc_model_count
	.type	mcc_desc_model_count,@object
	.section	.rodata,"a",@progbits
	.globl	mcc_desc_model_count
	.p2align	2
mcc_desc_model_count:
	.long	1
	.size	mcc_desc_model_count, 4

	.hidden	mcc_desc_default_model
	.type	mcc_desc_default_model,@object
	.globl	mcc_desc_default_model
	.p2align	2
mcc_desc_default_model:
	.long	0
	.size	mcc_desc_default_model, 4

	.type	.L.str.30,@object
.L.str.30:
	.asciz	"0.1.0"
	.size	.L.str.30, 6

	.hidden	mcc_desc_compiler_version
	.type	mcc_desc_compiler_version,@object
	.section	.data.rel.ro,"aw",@progbits
	.globl	mcc_desc_compiler_version
	.p2align	3
mcc_desc_compiler_version:
	.quad	.L.str.30
	.size	mcc_desc_compiler_version, 8

	.section	".note.GNU-stack","",@progbits
